/**
 * The quota planner's next-due decision over a large queue (`npm run bench -- planner`):
 * 10,000 queued deliveries over 50 channels, each allowed 17 posts a day within posting
 * hours, beside the FIFO `nextDue` (oldest first, within spacing and quotas) it replaces.
 */
import { performance } from 'node:perf_hooks';
import { parsePostingHours, postingHours } from '../src/delivery/hours.ts';
import { nextAllowedAt, pacingFor, type PacingHistory, type PacingRules } from '../src/delivery/pacing.ts';
import { planNext, type QueueEntry } from '../src/delivery/planner.ts';

const DELIVERIES = 10_000;
const CHANNELS = 50;
const MIN_MS = 500;
const MIN_ROUNDS = 2_000;

type Report = (name: string, value: number, unit: string, detail?: string) => void;

/** The FIFO `nextDue` the planner replaces: the oldest queued entry, when spacing and quotas let it go (no hours, no priorities). */
function fifoNextDue(entries: readonly QueueEntry[], rules: PacingRules, history: PacingHistory, now: number): number | undefined {
  let first: QueueEntry | undefined;
  for (const e of entries) if (!first || e.orderAt < first.orderAt || (e.orderAt === first.orderAt && e.id < first.id)) first = e;
  return first && Math.max(first.dueAt, nextAllowedAt(rules, history, now));
}

function measure(round: (i: number) => unknown): { usPerCall: number; cpuUsPerCall: number } {
  let rounds = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (rounds < MIN_ROUNDS || performance.now() - t0 < MIN_MS) round(rounds++);
  const cpu = process.cpuUsage(c0);
  return { usPerCall: ((performance.now() - t0) * 1000) / rounds, cpuUsPerCall: (cpu.user + cpu.system) / rounds };
}

export async function benchPlanner(report: Report): Promise<void> {
  const now = Date.parse('2026-06-01T09:30:00Z');
  const rules = pacingFor({ minIntervalSeconds: 120, maxPerDay: 17 });
  const { windows } = parsePostingHours(['Mon-Fri 07:00-22:00', 'Sat,Sun 09:00-21:00']);
  const perChannel = DELIVERIES / CHANNELS;
  const channels = Array.from({ length: CHANNELS }, (_, c) => {
    const hours = postingHours(windows, c % 2 === 0 ? 'Asia/Almaty' : 'Europe/London');
    const entries: QueueEntry[] = Array.from({ length: perChannel }, (_, i) => {
      const orderAt = now - (i * 7 + c) * 60_000;
      return { id: c * perChannel + i + 1, priority: (i * 7 + c) % 13 - 2, orderAt, dueAt: orderAt, publishedAt: orderAt };
    });
    const history: PacingHistory = { recentPosts: [now - 20 * 60_000, now - 80 * 60_000, now - 140 * 60_000], lastAttemptAt: now - 20 * 60_000 };
    return { hours, entries, history };
  });

  const decide = (i: number) => {
    const ch = channels[i % CHANNELS]!;
    return planNext({ entries: ch.entries, rules, history: ch.history, hours: ch.hours, now: now + i, maxAgeMs: 48 * 3_600_000 });
  };
  // Each channel's posting hours compute their open stretches for days ahead on first use.
  for (let c = 0; c < CHANNELS; c++) decide(c);
  const planner = measure(decide);
  const fifo = measure((i) => {
    const ch = channels[i % CHANNELS]!;
    return fifoNextDue(ch.entries, rules, ch.history, now + i);
  });
  const detail = (m: { cpuUsPerCall: number }) => `${m.cpuUsPerCall.toFixed(2)} µs/call cpu; ${DELIVERIES} queued over ${CHANNELS} channels`;
  report('planner next-due decision', planner.usPerCall, 'µs/call', detail(planner));
  report('FIFO nextDue (oldest first, spacing and quotas)', fifo.usPerCall, 'µs/call', detail(fifo));
}
