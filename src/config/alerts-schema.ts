import { z } from 'zod';

/** `alerts`: where operators are told that something broke (channel ids, checked against `channels`). */
export const alertsSchema = z.strictObject({
  to: z.array(z.string()).min(1, 'name at least one channel to send alerts to').describe('Channel ids alerts go to (give them `feeds: []`)'),
  feedFailures: z.number().int().min(1).default(3).describe('Alert after this many failed polls of a feed in a row'),
  batchSeconds: z.number().int().min(0).default(30).describe('A new problem waits this long for the others of the same outage, so they go out as one message'),
  minIntervalSeconds: z.number().int().min(1).default(300).describe('At most one alert message in this time, across all workers'),
});

export type AlertsConfig = z.infer<typeof alertsSchema>;
