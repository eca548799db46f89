import { z } from 'zod';
import cron from 'node-cron';
import { count, timerSeconds } from './bounds.ts';

/** Checked once per distinct expression: an outlet's many feeds share a few schedules. */
const validSchedules = new Map<string, boolean>();

function isValidSchedule(expression: string): boolean {
  let valid = validSchedules.get(expression);
  if (valid === undefined) {
    valid = cron.validate(expression);
    validSchedules.set(expression, valid);
  }
  return valid;
}

export const feedSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "-", "_" or "." only'),
  url: z.string().min(1).describe('http(s) URL or a local file path (relative to the config file)'),
  schedule: z
    .string()
    .default('*/5 * * * *')
    .refine(isValidSchedule, { message: 'not a valid cron expression (e.g. "*/5 * * * *")' }),
  backfill: count(100_000).min(0).default(0).describe('First poll: post only the newest N items, mark the rest seen'),
  maxAgeHours: z.number().positive().max(876_000, 'at most 876000 hours (100 years)').default(48).describe('Never post items older than this'),
  floodThreshold: count(100_000).min(1).default(10).describe('More new items than this in one poll: hold them all'),
  timeoutSeconds: timerSeconds().positive().default(30),
  headers: z
    .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name'), z.string())
    .optional()
    .describe('Extra request headers, e.g. Authorization: "Bearer ${FEED_TOKEN}"; values are secrets. A url with user:password@ is fetched with HTTP Basic auth'),
  maxBytes: count(2 ** 31 - 1).positive().default(10_485_760),
});

export type FeedConfig = z.infer<typeof feedSchema>;
