import type { ChannelRuntime } from './channels.ts';
import type { ChannelQueue } from './outbox.ts';
import type { PacingRules } from './pacing.ts';
import type { PlanInput, QueueEntry } from './planner.ts';

const NO_PACING: PacingRules = { minIntervalSeconds: 0, windows: [] };

/** What the planner decides a channel's posts from: its queue, its quota history in the store, its hours and expiry (a dry run is not paced). */
export function channelPlanInput(channel: ChannelRuntime, queue: ChannelQueue, entries: QueueEntry[], now: number): PlanInput {
  const { dryRun, maxAgeHours } = channel.config;
  return {
    entries,
    rules: dryRun ? NO_PACING : channel.pacing,
    history: { lastAttemptAt: dryRun ? undefined : queue.lastAttemptAt, recentPosts: dryRun ? [] : queue.recentPosts, blockedUntil: queue.state.blockedUntil },
    hours: channel.hours,
    now,
    ...(maxAgeHours !== undefined && { maxAgeMs: maxAgeHours * 3_600_000 }),
  };
}
