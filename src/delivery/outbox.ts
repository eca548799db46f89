import type { RenderedPost } from '../platform.ts';
import type { ChannelState, Delivery, Settlement } from './types.ts';

/** What the worker needs to decide a channel's next send, read in one call. */
export interface ChannelQueue {
  state: ChannelState;
  /** Start of the channel's last attempt that was not a dry run (spacing counts every request). */
  lastAttemptAt?: number;
  /** Starts of the channel's attempts since `since` that may have posted, newest first (quotas). */
  recentPosts: number[];
  /** The next pending delivery due by `now`, in queue order (edits whose post is settled first, then oldest article). */
  next?: Delivery;
  /** When the earliest pending delivery is due, whether or not it is due now. */
  earliestDueAt?: number;
  /** When the earliest pending edit that may go (its post settled) is due, whether or not it is due now. */
  editDueAt?: number;
  pending: number;
}

/**
 * The outbox a worker claims from and settles into. Every state change is conditional on the
 * state it expects and reports whether it happened.
 */
export interface Outbox {
  channelQueue(channelId: string, now: number, since: number): Promise<ChannelQueue>;
  /**
   * Claims a pending delivery before its request leaves: state `sending`, one more attempt,
   * a post's rendering fixed on the first claim (an edit's is the latest). With PostgreSQL only while `workerId` holds the
   * channel's lease. Returns the attempt number, or undefined when the claim did not happen.
   */
  claim(id: number, rendered: RenderedPost, opts: { workerId: string; now: number }): Promise<number | undefined>;
  /** Settles a claimed attempt; false when the delivery was no longer `sending` (nothing written). */
  settle(id: number, attempt: number, settlement: Settlement, now: number): Promise<boolean>;
  /** A dry run's whole attempt, claimed and settled as sent in one transaction. */
  recordDryRun(id: number, rendered: RenderedPost, opts: { workerId: string; now: number }): Promise<number | undefined>;
  /** A pending delivery that can never be sent (the link alone is over the limit) fails without an attempt. */
  failUnrenderable(id: number, reason: string, now: number): Promise<boolean>;
  /** A pending edit that cannot apply (its post was never published, the edit window closed) is skipped without an attempt. */
  dropEdit(id: number, reason: string, code: string, now: number): Promise<boolean>;
  /** Returns true when this call paused it (so the reason is reported once). */
  pauseChannel(channelId: string, reason: string, now: number): Promise<boolean>;
  /** No requests on the channel before `until` (extends an earlier block, never shortens it). */
  blockChannel(channelId: string, until: number, code: 'rate-limited' | 'unavailable', reason?: string): Promise<void>;
}
