import { describe, expect, it } from 'vitest';
import { nextAllowedAt, pacingFor } from '../../src/delivery/pacing.ts';
import { retryDelay, DEFAULT_RETRY_POLICY } from '../../src/delivery/backoff.ts';

const T = 1_700_000_000_000;

describe('pacing', () => {
  it('spaces posts by the larger of the channel and platform minimum interval', () => {
    const rules = pacingFor({ minIntervalSeconds: 120 }, { minIntervalSeconds: 1 });
    expect(nextAllowedAt(rules, { lastAttemptAt: T - 30_000, recentPosts: [] }, T)).toBe(T + 90_000);
    expect(nextAllowedAt(rules, { lastAttemptAt: T - 200_000, recentPosts: [] }, T)).toBe(T);
  });

  it('opens a window place when the oldest counted post leaves it', () => {
    const rules = pacingFor({ minIntervalSeconds: 0, maxPerDay: 3 });
    const posts = [T - 1_000, T - 5_000, T - 80_000_000];
    expect(nextAllowedAt(rules, { recentPosts: posts }, T)).toBe(T - 80_000_000 + 86_400_000);
    expect(nextAllowedAt(rules, { recentPosts: posts.slice(0, 2) }, T)).toBe(T);
  });

  it('honours Telegram-style 20 per minute and a platform block', () => {
    const rules = pacingFor({ minIntervalSeconds: 0 }, { windows: [{ limit: 20, seconds: 60 }] });
    const posts = Array.from({ length: 20 }, (_, i) => T - i * 1000);
    expect(nextAllowedAt(rules, { recentPosts: posts }, T)).toBe(T - 19_000 + 60_000);
    expect(nextAllowedAt(rules, { recentPosts: [], blockedUntil: T + 5_000 }, T)).toBe(T + 5_000);
  });
});

describe('retry delay', () => {
  it('grows exponentially with jitter, capped, never below the platform retry-after', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect(retryDelay(p, 1, undefined, () => 0)).toBe(p.baseMs / 2);
    expect(retryDelay(p, 3, undefined, () => 1)).toBe(p.baseMs * 4);
    expect(retryDelay(p, 30, undefined, () => 1)).toBe(p.capMs);
    expect(retryDelay(p, 1, 600_000, () => 1)).toBe(600_000);
  });
});
