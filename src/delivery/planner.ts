import type { PostingHours } from './hours.ts';
import type { PacingHistory, PacingRules } from './pacing.ts';

/** What the planner knows of a queued post delivery. */
export interface QueueEntry {
  id: number;
  priority: number;
  /** Queue order among equals: the article's publication time, else when it was seen. */
  orderAt: number;
  /** Not before this (a retry's backoff). */
  dueAt: number;
  /** Publication time, where known: what `maxAgeHours` measures. */
  publishedAt?: number;
}

export interface PlanInput {
  /** The channel's queued (pending) post deliveries. */
  entries: readonly QueueEntry[];
  rules: PacingRules;
  history: PacingHistory;
  hours: PostingHours;
  now: number;
  /** The channel's `maxAgeHours` in milliseconds: an older article is not sent but expires. */
  maxAgeMs?: number;
}

export interface PlannedSend {
  id: number;
  at: number;
}

export interface Decision {
  /** Which delivery goes next, and when (`at` ≥ now). */
  next?: PlannedSend;
  /** Entries already too old at `now`: they expire instead of going out. */
  expired: number[];
  /** The first moment a queued entry will be too old (with `maxAgeMs`): look again then, so it expires on time. */
  nextExpiryAt?: number;
}

/** Priority at which an article goes out at once, whatever the pacing (still within quotas and hours). */
export const URGENT_PRIORITY = 10;

/** Higher priority first; equal priority: older first. */
export function compareEntries(a: QueueEntry, b: QueueEntry): number {
  return b.priority - a.priority || a.orderAt - b.orderAt || a.id - b.id;
}

const expiresAt = (e: QueueEntry, maxAgeMs: number | undefined) => (maxAgeMs === undefined ? Infinity : (e.publishedAt ?? e.orderAt) + maxAgeMs);

/**
 * The channel's post history plus the posts a plan adds; answers `nextAllowedAt`'s question
 * (spacing, windows, block) in O(windows), since posts are known newest first.
 */
class Slots {
  private readonly added: number[];
  constructor(
    private readonly rules: PacingRules,
    private readonly history: PacingHistory,
    added: number[] = [],
  ) {
    this.added = [...added];
  }

  clone(): Slots {
    return new Slots(this.rules, this.history, this.added);
  }

  /** The k-th newest post start, 0 = the newest. */
  private newest(k: number): number | undefined {
    const n = this.added.length;
    return k < n ? this.added[n - 1 - k] : this.history.recentPosts[k - n];
  }

  allowedAt(t: number): number {
    let at = t;
    const last = this.added.at(-1) ?? this.history.lastAttemptAt;
    if (last !== undefined) at = Math.max(at, last + this.rules.minIntervalSeconds * 1000);
    if (this.history.blockedUntil !== undefined) at = Math.max(at, this.history.blockedUntil);
    for (const w of this.rules.windows) {
      const oldestCounted = this.newest(w.limit - 1);
      if (oldestCounted !== undefined && oldestCounted > t - w.seconds * 1000) at = Math.max(at, oldestCounted + w.seconds * 1000);
    }
    return at;
  }

  add(t: number): void {
    this.added.push(t);
  }

  lastAttemptAt(): number | undefined {
    return this.added.at(-1) ?? this.history.lastAttemptAt;
  }
}

/** How many posts fit in [from, until) within quotas and hours, counting no further than `enough`. */
function capacity(slots: Slots, hours: PostingHours, from: number, until: number, enough: number): number {
  const trial = slots.clone();
  let count = 0;
  let t = from;
  while (count < enough) {
    t = hours.nextOpenAt(trial.allowedAt(t));
    if (t >= until) break;
    trial.add(t);
    count++;
  }
  return count;
}

/** The best entry due by `t` and not expired by then. */
function bestAt(live: readonly QueueEntry[], t: number, maxAgeMs: number | undefined): QueueEntry | undefined {
  let top: QueueEntry | undefined;
  for (const e of live) {
    if (e.dueAt > t || expiresAt(e, maxAgeMs) < t) continue;
    if (!top || compareEntries(e, top) < 0) top = e;
  }
  return top;
}

/**
 * The next send of a channel: a pure function of its queue, its quota history, its hours and
 * the clock, remade from the store at every decision (so a restart keeps the plan).
 *
 * The earliest moment the quotas, spacing and hours allow goes to the best entry due by then.
 * When more entries want to go out in the current planning period (the open stretch, a local
 * day at most: `PostingHours.period`) than the quota left in it allows, a post of priority below
 * `URGENT_PRIORITY` waits until `last + (end − last) / (left + 1)`: the quota left, counted with
 * the period's last post, spread evenly from that post to the period's end. The first post of a
 * period goes at once; an urgent entry never waits for pacing.
 */
export function planNext(input: PlanInput): Decision {
  return decide(input, new Slots(input.rules, input.history));
}

function decide(input: PlanInput, slots: Slots): Decision {
  const { hours, now, maxAgeMs } = input;
  const expired: number[] = [];
  const live: QueueEntry[] = [];
  let firstDue = Infinity;
  let firstUrgentDue = Infinity;
  let firstExpiry = Infinity;
  for (const e of input.entries) {
    const expiry = expiresAt(e, maxAgeMs);
    if (expiry < now) {
      expired.push(e.id);
      continue;
    }
    live.push(e);
    firstExpiry = Math.min(firstExpiry, expiry);
    firstDue = Math.min(firstDue, e.dueAt);
    if (e.priority >= URGENT_PRIORITY) firstUrgentDue = Math.min(firstUrgentDue, e.dueAt);
  }
  if (live.length === 0) return { expired };
  const expiry = firstExpiry === Infinity ? {} : { nextExpiryAt: firstExpiry + 1 };

  const slotFrom = (t: number) => hours.nextOpenAt(slots.allowedAt(Math.max(now, t)));
  let at = slotFrom(firstDue);
  let top = bestAt(live, at, maxAgeMs);
  // Rare: what was due first expires before its slot; try the later due times in turn.
  for (const due of top ? [] : [...new Set(live.map((e) => e.dueAt))].sort((a, b) => a - b)) {
    at = slotFrom(due);
    top = bestAt(live, at, maxAgeMs);
    if (top) break;
  }
  if (!top) return { expired, ...expiry };
  if (top.priority >= URGENT_PRIORITY) return { next: { id: top.id, at }, expired, ...expiry };

  const pacedAt = pacedSlot(input, slots, live, at);
  if (pacedAt <= at) return { next: { id: top.id, at }, expired, ...expiry };
  const sendAt = firstUrgentDue === Infinity ? pacedAt : Math.min(slotFrom(firstUrgentDue), pacedAt);
  return { next: { id: (bestAt(live, sendAt, maxAgeMs) ?? top).id, at: sendAt }, expired, ...expiry };
}

/** When pacing lets the next non-urgent post go, or `at` when there is enough quota for everything due. */
function pacedSlot(input: PlanInput, slots: Slots, live: QueueEntry[], at: number): number {
  const { hours } = input;
  const last = slots.lastAttemptAt();
  const period = hours.period(at);
  if (last === undefined || last < period.from) return at;
  const wanting = live.filter((e) => e.dueAt < period.to).length;
  const left = capacity(slots, hours, at, period.to, wanting);
  if (left >= wanting) return at;
  return hours.nextOpenAt(Math.max(at, Math.ceil(last + (period.to - last) / (left + 1))));
}

/** An entry of the planned order: when it is expected to go out, or when it will expire instead. */
export type PlannedEntry = { id: number; at: number } | { id: number; expiresAt: number };

const timeOf = (p: PlannedEntry) => ('at' in p ? p.at : p.expiresAt);

/**
 * The channel's queue in planned order with expected send times (what `status` shows), as the
 * planner would decide it if nothing new arrived: the first `limit` sends, with what expires
 * before them, in time order.
 */
export function plannedOrder(input: PlanInput, limit: number): PlannedEntry[] {
  const slots = new Slots(input.rules, input.history);
  const planned: PlannedEntry[] = [];
  let entries = [...input.entries];
  let now = input.now;
  let sends = 0;
  while (sends < limit && entries.length > 0) {
    const decision = decide({ ...input, entries, now }, slots);
    const gone = new Set(decision.expired);
    for (const id of decision.expired) planned.push({ id, expiresAt: expiresAt(entries.find((e) => e.id === id)!, input.maxAgeMs) });
    if (!decision.next) break;
    planned.push(decision.next);
    sends++;
    gone.add(decision.next.id);
    slots.add(decision.next.at);
    now = decision.next.at;
    entries = entries.filter((e) => !gone.has(e.id));
  }
  return planned.sort((a, b) => timeOf(a) - timeOf(b));
}
