import type { PlatformPacing } from '../platform.ts';

export interface PacingRules {
  minIntervalSeconds: number;
  /** At most `limit` posts in any `seconds`. */
  windows: { limit: number; seconds: number }[];
}

/** The channel's own spacing and daily cap, combined with the platform's published limits. */
export function pacingFor(channel: { minIntervalSeconds: number; maxPerDay?: number }, platform: PlatformPacing = {}): PacingRules {
  const windows = [...(platform.windows ?? [])];
  if (channel.maxPerDay !== undefined) windows.push({ limit: channel.maxPerDay, seconds: 86_400 });
  return { minIntervalSeconds: Math.max(channel.minIntervalSeconds, platform.minIntervalSeconds ?? 0), windows };
}

export interface PacingHistory {
  lastAttemptAt?: number;
  /** Start times of recent posts (that may be on the platform), newest first, covering the longest window. */
  recentPosts: number[];
  blockedUntil?: number;
}

/** The earliest time the channel may start its next post. */
export function nextAllowedAt(rules: PacingRules, history: PacingHistory, now: number): number {
  let at = now;
  if (history.lastAttemptAt !== undefined) at = Math.max(at, history.lastAttemptAt + rules.minIntervalSeconds * 1000);
  if (history.blockedUntil !== undefined) at = Math.max(at, history.blockedUntil);
  for (const w of rules.windows) {
    const inWindow = history.recentPosts.filter((t) => t > now - w.seconds * 1000);
    if (inWindow.length >= w.limit) {
      // The window frees a place when the oldest of the last `limit` posts leaves it.
      const oldestCounted = inWindow[w.limit - 1]!;
      at = Math.max(at, oldestCounted + w.seconds * 1000);
    }
  }
  return at;
}

export function longestWindowSeconds(rules: PacingRules): number {
  return Math.max(0, ...rules.windows.map((w) => w.seconds));
}
