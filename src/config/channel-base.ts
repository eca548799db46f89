import { z } from 'zod';
import { count, timerSeconds } from './bounds.ts';
import { urlWithoutCredentials } from './url.ts';

/** Keys every channel takes, whatever its platform. */
export const channelBaseShape = {
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "-", "_" or "." only'),
  feeds: z.array(z.string()).optional().describe('Feed ids this channel posts; default: every feed'),
  template: z.string().optional().describe('Placeholders: {title} {summary} {link} {hashtags} {author} {categories}'),
  hashtags: z
    .strictObject({
      fromCategories: z.boolean().default(true),
      max: count(100).min(0).default(2),
      fixed: z.array(z.string()).default([]).describe('Always added, before those from categories'),
    })
    .default({ fromCategories: true, max: 2, fixed: [] }),
  utm: z
    .strictObject({
      source: z.string(),
      medium: z.string().default('social'),
      campaign: z.string().optional(),
    })
    .optional(),
  minIntervalSeconds: timerSeconds().int().min(0).default(0).describe('Spacing between two posts on this channel'),
  maxPerDay: count(100_000).min(1).optional().describe('At most this many posts in any 24 hours'),
  dryRun: z.boolean().default(false).describe('Render and record, send nothing'),
  apiRoot: urlWithoutCredentials().optional().describe('Base URL of the platform API: a proxy, a self-hosted server, or a test fake'),
};

export const channelBaseSchema = z.strictObject(channelBaseShape);
export type ChannelBase = z.infer<typeof channelBaseSchema>;
