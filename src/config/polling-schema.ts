import { z } from 'zod';
import { count } from './bounds.ts';

/** `polling`: how many feeds are fetched at once, overall and from one host (politeness). */
export const pollingSchema = z
  .strictObject({
    concurrency: count(1_000).min(1).default(8).describe('Feeds fetched at once, in all'),
    perHost: count(1_000).min(1).default(4).describe("Feeds fetched at once from one host: a publisher's many feeds are not all requested together"),
  })
  .describe('Feed fetching limits');

export type PollingConfig = z.infer<typeof pollingSchema>;

export const DEFAULT_POLLING: PollingConfig = pollingSchema.parse({});
