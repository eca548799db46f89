import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALWAYS_OPEN, parsePostingHours, postingHours, type PostingHours } from '../../src/delivery/hours.ts';
import { nextAllowedAt, pacingFor, type PacingHistory, type PacingRules } from '../../src/delivery/pacing.ts';
import { compareEntries, planNext, plannedOrder, URGENT_PRIORITY, type QueueEntry } from '../../src/delivery/planner.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Monday 1 June 2026, 00:00 UTC. */
const MONDAY = Date.parse('2026-06-01T00:00:00Z');
const at = (iso: string) => Date.parse(iso);

function hoursOf(entries: string[], timezone = 'UTC'): PostingHours {
  const { windows, problems } = parsePostingHours(entries);
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  return postingHours(windows, timezone);
}

const entry = (id: number, priority: number, orderAt: number, dueAt = orderAt): QueueEntry => ({ id, priority, orderAt, dueAt });
const NONE: PacingHistory = { recentPosts: [] };

interface Send {
  id: number;
  at: number;
  priority: number;
  /** Due entries waiting when it was chosen, itself included. */
  waiting: QueueEntry[];
  historyBefore: PacingHistory;
}

interface Scenario {
  entries: QueueEntry[];
  rules: PacingRules;
  hours: PostingHours;
  start: number;
  until: number;
  history?: PacingHistory;
  maxAgeMs?: number;
}

/** Runs a channel as the worker would: re-plans at every arrival and after every send; an entry arrives at its dueAt. */
function simulate(s: Scenario): { sends: Send[]; expired: number[] } {
  const future = [...s.entries].sort((a, b) => a.dueAt - b.dueAt);
  const history: PacingHistory = { recentPosts: [...(s.history?.recentPosts ?? [])], lastAttemptAt: s.history?.lastAttemptAt };
  let queue: QueueEntry[] = [];
  const sends: Send[] = [];
  const expired: number[] = [];
  let now = s.start;
  for (let step = 0; step < 10_000; step++) {
    while (future.length > 0 && future[0]!.dueAt <= now) queue.push(future.shift()!);
    const decision = planNext({ entries: queue, rules: s.rules, history, hours: s.hours, now, maxAgeMs: s.maxAgeMs });
    expired.push(...decision.expired);
    queue = queue.filter((e) => !decision.expired.includes(e.id));
    const arrival = future[0]?.dueAt ?? Infinity;
    const next = decision.next;
    // The worker wakes at the earlier of the planned send and the next expiry (then plans again).
    const expiry = decision.nextExpiryAt ?? Infinity;
    if (expiry < s.until && expiry <= arrival && (!next || expiry <= next.at)) {
      now = expiry;
    } else if (next && next.at <= arrival) {
      if (next.at >= s.until) break;
      expect(next.at).toBeGreaterThanOrEqual(now);
      const sent = queue.find((e) => e.id === next.id)!;
      sends.push({ id: sent.id, at: next.at, priority: sent.priority, waiting: queue.filter((e) => e.dueAt <= next.at), historyBefore: structuredClone(history) });
      queue = queue.filter((e) => e.id !== next.id);
      history.recentPosts.unshift(next.at);
      history.lastAttemptAt = next.at;
      now = next.at;
    } else if (arrival < s.until) {
      now = arrival;
    } else {
      break;
    }
  }
  // The worker looks again later: what was too old by then has expired.
  expired.push(...planNext({ entries: queue, rules: s.rules, history, hours: s.hours, now: s.until, maxAgeMs: s.maxAgeMs }).expired);
  return { sends, expired };
}

describe('planNext', () => {
  const rules17 = pacingFor({ minIntervalSeconds: 60, maxPerDay: 17 });
  const weekdays = hoursOf(['Mon-Sun 07:00-22:00']);

  it('sends at once while the quota left covers everything due, best first', () => {
    const entries = [entry(1, 0, MONDAY), entry(2, 3, MONDAY + 1), entry(3, 3, MONDAY - 5)];
    const now = at('2026-06-01T09:00:00Z');
    const history = { recentPosts: [now - HOUR], lastAttemptAt: now - HOUR };
    expect(planNext({ entries, rules: rules17, history, hours: weekdays, now })).toEqual({ next: { id: 3, at: now }, expired: [] });
  });

  it('waits for the posting hours to open', () => {
    const entries = [entry(1, 0, MONDAY)];
    expect(planNext({ entries, rules: rules17, history: NONE, hours: weekdays, now: at('2026-06-01T03:00:00Z') })).toEqual({
      next: { id: 1, at: at('2026-06-01T07:00:00Z') },
      expired: [],
    });
  });

  it('paces the quota over the rest of the hours when more is due than it covers', () => {
    const entries = Array.from({ length: 60 }, (_, i) => entry(i + 1, i % 5, MONDAY + i * MIN));
    const opening = at('2026-06-01T07:00:00Z');
    const first = planNext({ entries, rules: rules17, history: NONE, hours: weekdays, now: opening });
    expect(first.next).toEqual({ id: 5, at: opening });
    // After that post: 16 left for 15 h, spread as 17 even gaps from the last post.
    const history = { recentPosts: [opening], lastAttemptAt: opening };
    const rest = entries.filter((e) => e.id !== 5);
    const second = planNext({ entries: rest, rules: rules17, history, hours: weekdays, now: opening + MIN });
    expect(second.next).toEqual({ id: 10, at: opening + Math.ceil((15 * HOUR) / 17) });
  });

  it('sends an urgent entry at once, even while pacing, within spacing', () => {
    const opening = at('2026-06-01T07:00:00Z');
    const entries = [...Array.from({ length: 40 }, (_, i) => entry(i + 1, 1, MONDAY + i)), entry(99, URGENT_PRIORITY, opening + 2 * MIN)];
    const history = { recentPosts: [opening + 20 * MIN], lastAttemptAt: opening + 20 * MIN };
    const now = opening + 20 * MIN + 30_000;
    expect(planNext({ entries, rules: rules17, history, hours: weekdays, now })).toEqual({ next: { id: 99, at: opening + 21 * MIN }, expired: [] });
  });

  it('keeps an urgent entry within the daily quota', () => {
    const now = at('2026-06-01T12:00:00Z');
    const posts = Array.from({ length: 17 }, (_, i) => now - i * 10 * MIN);
    const history = { recentPosts: posts, lastAttemptAt: now };
    const decision = planNext({ entries: [entry(1, 20, now)], rules: rules17, history, hours: ALWAYS_OPEN, now });
    expect(decision.next).toEqual({ id: 1, at: posts[16]! + DAY });
  });

  it('expires what is too old, by publication time, and never plans it', () => {
    const now = at('2026-06-01T12:00:00Z');
    const entries = [
      { ...entry(1, 5, now - 13 * HOUR), publishedAt: now - 13 * HOUR },
      { ...entry(2, 0, now - 2 * HOUR) },
      { ...entry(3, 1, now - 11 * HOUR), publishedAt: now - 12 * HOUR - 1 },
    ];
    expect(planNext({ entries, rules: rules17, history: NONE, hours: ALWAYS_OPEN, now, maxAgeMs: 12 * HOUR })).toEqual({
      next: { id: 2, at: now },
      expired: [1, 3],
      nextExpiryAt: now + 10 * HOUR + 1,
    });
  });

  it('waits for a retry backoff, and sends what is due meanwhile', () => {
    const now = at('2026-06-01T12:00:00Z');
    const entries = [entry(1, 5, now - HOUR, now + 10 * MIN), entry(2, 0, now - HOUR)];
    expect(planNext({ entries, rules: rules17, history: NONE, hours: ALWAYS_OPEN, now }).next).toEqual({ id: 2, at: now });
    expect(planNext({ entries: [entries[0]!], rules: rules17, history: NONE, hours: ALWAYS_OPEN, now }).next).toEqual({ id: 1, at: now + 10 * MIN });
  });

  it('names when the queue next expires, so an article too old before the hours open ends expired on time', () => {
    const published = at('2026-06-01T01:00:00Z');
    const entries = [{ ...entry(1, 0, published), publishedAt: published }];
    const now = at('2026-06-01T03:00:00Z');
    const decision = planNext({ entries, rules: rules17, history: NONE, hours: weekdays, now, maxAgeMs: 4 * HOUR });
    expect(decision).toEqual({ expired: [], nextExpiryAt: published + 4 * HOUR + 1 });
    expect(planNext({ entries, rules: rules17, history: NONE, hours: weekdays, now: decision.nextExpiryAt!, maxAgeMs: 4 * HOUR })).toEqual({ expired: [1] });
  });

  it('names the first expiry among the entries left when one goes out', () => {
    const now = at('2026-06-01T09:00:00Z');
    const entries = [{ ...entry(1, 5, now - HOUR), publishedAt: now - HOUR }, { ...entry(2, 0, now - 3 * HOUR), publishedAt: now - 3 * HOUR }];
    expect(planNext({ entries, rules: rules17, history: NONE, hours: weekdays, now, maxAgeMs: 4 * HOUR })).toEqual({
      next: { id: 1, at: now },
      expired: [],
      nextExpiryAt: now + HOUR + 1,
    });
  });

  it('answers nothing for an empty queue', () => {
    expect(planNext({ entries: [], rules: rules17, history: NONE, hours: ALWAYS_OPEN, now: MONDAY })).toEqual({ expired: [] });
  });
});

describe('a 17-a-day channel fed 60 articles of mixed priority', () => {
  it('spends its quota on the top ones, spread over its hours, and expires the rest', () => {
    const rules = pacingFor({ minIntervalSeconds: 120, maxPerDay: 17 });
    const hours = hoursOf(['Mon-Fri 07:00-22:00', 'Sat,Sun 09:00-21:00'], 'Asia/Almaty');
    const opening = at('2026-06-01T02:00:00Z'); // Monday 07:00 in Almaty
    const priorities = Array.from({ length: 60 }, (_, i) => (i * 7) % 13 - 2);
    const entries = priorities.map((priority, i) => ({ ...entry(i + 1, priority, opening - HOUR + i * MIN), publishedAt: opening - HOUR + i * MIN }));
    const { sends, expired } = simulate({ entries, rules, hours, start: opening - HOUR, until: opening + DAY, maxAgeMs: 16 * HOUR });

    const ranked = [...entries].sort(compareEntries);
    expect(sends.map((s) => s.id)).toEqual(ranked.slice(0, 17).map((e) => e.id));
    expect(sends[0]!.at).toBe(opening);
    expect(sends.at(-1)!.at).toBeLessThan(at('2026-06-01T17:00:00Z'));
    expect(sends.at(-1)!.at).toBeGreaterThan(at('2026-06-01T15:00:00Z'));
    // The urgent ones (priority ≥ 10) went out first, at once, spaced by the channel's interval.
    const urgent = sends.filter((s) => s.priority >= URGENT_PRIORITY);
    expect(urgent.map((s) => s.at)).toEqual(urgent.map((_, i) => opening + i * 120_000));
    expect(expired.sort((a, b) => a - b)).toEqual(ranked.slice(17).map((e) => e.id).sort((a, b) => a - b));
  });
});

describe('plannedOrder', () => {
  it('lists the queue in planned order with expected times, and what will expire first', () => {
    const rules = pacingFor({ minIntervalSeconds: 0, maxPerDay: 3 });
    const hours = hoursOf(['Mon-Sun 08:00-20:00']);
    const now = at('2026-06-01T08:00:00Z');
    const entries = [
      { ...entry(1, 0, now - HOUR), publishedAt: now - HOUR },
      { ...entry(2, 2, now - 2 * HOUR), publishedAt: now - 2 * HOUR },
      { ...entry(3, 1, now - 3 * HOUR), publishedAt: now - 3 * HOUR },
      { ...entry(4, 0, now - 4 * HOUR), publishedAt: now - 4 * HOUR },
    ];
    expect(plannedOrder({ entries, rules, history: NONE, hours, now, maxAgeMs: 10 * HOUR }, 10)).toEqual([
      { id: 2, at: now },
      { id: 3, at: now + 4 * HOUR },
      { id: 4, expiresAt: now + 6 * HOUR },
      { id: 1, at: now + 8 * HOUR },
    ]);
    expect(plannedOrder({ entries, rules, history: NONE, hours, now }, 2)).toEqual([
      { id: 2, at: now },
      { id: 3, at: now + 4 * HOUR },
    ]);
  });
});

describe('planner properties', () => {
  const hourSets = [['Mon-Fri 07:00-22:00', 'Sat,Sun 09:00-21:00'], ['Mon-Sun 22:00-02:00', 'Wed 12:00-13:00'], undefined];
  const scenario = fc.record({
    limit: fc.integer({ min: 1, max: 30 }),
    platformWindow: fc.option(fc.record({ limit: fc.integer({ min: 1, max: 5 }), seconds: fc.constantFrom(60, 900, 3600) }), { nil: undefined }),
    minIntervalSeconds: fc.constantFrom(0, 60, 600),
    hoursIndex: fc.integer({ min: 0, max: hourSets.length - 1 }),
    timezone: fc.constantFrom('UTC', 'Europe/London', 'Asia/Almaty'),
    start: fc.integer({ min: at('2026-03-25T00:00:00Z'), max: at('2026-04-02T00:00:00Z') }),
    articles: fc.array(fc.record({ priority: fc.integer({ min: -3, max: 14 }), arrival: fc.integer({ min: 0, max: 2 * DAY }), age: fc.integer({ min: 0, max: 6 * HOUR }) }), {
      minLength: 1,
      maxLength: 70,
    }),
    maxAgeHours: fc.option(fc.integer({ min: 2, max: 30 }), { nil: undefined }),
  });

  function build(s: typeof scenario extends fc.Arbitrary<infer T> ? T : never) {
    const rules: PacingRules = { minIntervalSeconds: s.minIntervalSeconds, windows: [{ limit: s.limit, seconds: 86_400 }, ...(s.platformWindow ? [s.platformWindow] : [])] };
    const spec = hourSets[s.hoursIndex];
    const hours = spec ? hoursOf(spec, s.timezone) : ALWAYS_OPEN;
    const entries = s.articles.map((a, i) => ({ ...entry(i + 1, a.priority, s.start + a.arrival - a.age, s.start + a.arrival), publishedAt: s.start + a.arrival - a.age }));
    return { rules, hours, entries, maxAgeMs: s.maxAgeHours === undefined ? undefined : s.maxAgeHours * HOUR };
  }

  it('never exceeds a quota window or the spacing, never sends outside the hours, always sends the best due entry, and urgent ones at once', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { rules, hours, entries, maxAgeMs } = build(s);
        const { sends } = simulate({ entries, rules, hours, start: s.start, until: s.start + 3 * DAY, maxAgeMs });
        sends.forEach((send, i) => {
          for (const w of rules.windows) {
            const inWindow = sends.filter((o) => o.at <= send.at && o.at > send.at - w.seconds * 1000).length;
            expect(inWindow).toBeLessThanOrEqual(w.limit);
          }
          if (i > 0) expect(send.at - sends[i - 1]!.at).toBeGreaterThanOrEqual(rules.minIntervalSeconds * 1000);
          expect(hours.isOpen(send.at)).toBe(true);
          const alive = send.waiting.filter((e) => maxAgeMs === undefined || (e.publishedAt ?? e.orderAt) + maxAgeMs >= send.at);
          expect([...alive].sort(compareEntries)[0]!.id).toBe(send.id);
          if (send.priority >= URGENT_PRIORITY) {
            const sent = entries.find((e) => e.id === send.id)!;
            const earliest = hours.nextOpenAt(nextAllowedAt(rules, send.historyBefore, sent.dueAt));
            expect(send.at).toBe(earliest);
          }
        });
      }),
      { numRuns: 60 },
    );
  });

  it('names the first moment an entry still queued becomes too old, and at that moment expires it', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 2 * DAY }), (s, later) => {
        const { rules, hours, entries, maxAgeMs } = build(s);
        const now = s.start + later;
        const input = { entries, rules, history: NONE, hours, now, maxAgeMs };
        const decision = planNext(input);
        const live = entries.filter((e) => !decision.expired.includes(e.id));
        if (maxAgeMs === undefined || live.length === 0) {
          expect(decision.nextExpiryAt).toBeUndefined();
          return;
        }
        const first = Math.min(...live.map((e) => (e.publishedAt ?? e.orderAt) + maxAgeMs));
        expect(decision.nextExpiryAt).toBe(first + 1);
        expect(decision.nextExpiryAt!).toBeGreaterThan(now);
        const then = planNext({ ...input, entries: live, now: decision.nextExpiryAt! });
        expect(then.expired).toEqual(live.filter((e) => (e.publishedAt ?? e.orderAt) + maxAgeMs === first).map((e) => e.id));
      }),
      { numRuns: 100 },
    );
  });

  it('never sends more than its fair share of the quota early in the stretch when more is due than it allows', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 40 }), (s, extra) => {
        const { rules, hours } = build(s);
        const opening = hours.nextOpenAt(s.start);
        const stretch = hours.period(opening).to - opening;
        const count = s.limit + extra;
        const entries = Array.from({ length: count }, (_, i) => entry(i + 1, (i * 5) % URGENT_PRIORITY, opening - i * MIN, opening));
        const { sends } = simulate({ entries, rules, hours, start: opening, until: opening + stretch });
        sends.forEach((send, k) => {
          expect(send.at).toBeGreaterThanOrEqual(opening + Math.floor((k * stretch) / s.limit));
        });
        expect(sends.length).toBeLessThanOrEqual(s.limit);
      }),
      { numRuns: 60 },
    );
  });
});
