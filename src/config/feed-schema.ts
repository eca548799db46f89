import { z } from 'zod';
import cron from 'node-cron';

export const feedSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "-", "_" or "." only'),
  url: z.string().min(1).describe('http(s) URL or a local file path (relative to the config file)'),
  schedule: z
    .string()
    .default('*/5 * * * *')
    .refine((s) => cron.validate(s), { message: 'not a valid cron expression (e.g. "*/5 * * * *")' }),
  backfill: z.number().int().min(0).default(0).describe('First poll: post only the newest N items, mark the rest seen'),
  maxAgeHours: z.number().positive().default(48).describe('Never post items older than this'),
  floodThreshold: z.number().int().min(1).default(10).describe('More new items than this in one poll: hold them all'),
  timeoutSeconds: z.number().positive().default(30),
  maxBytes: z.number().int().positive().default(10_485_760),
});

export type FeedConfig = z.infer<typeof feedSchema>;
