import type { QueueEntry } from './planner.ts';
import type { Delivery } from './types.ts';

/** What the worker reads and writes to send a channel's posts in the planner's order. */
export interface PlanQueue {
  /** The channel's pending posts, as the planner sees them (edits are not planned). */
  plannerEntries(channelId: string): Promise<QueueEntry[]>;
  pendingDelivery(id: number): Promise<Delivery | undefined>;
  /** A pending post too old to send ends `expired`, with an attempt of outcome `expired`: not a failure. */
  expire(id: number, detail: string, now: number): Promise<boolean>;
}
