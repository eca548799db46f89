import { DateTime, IANAZone } from 'luxon';

/**
 * A channel's posting hours: `DAYS HH:MM-HH:MM` entries in its IANA time zone. DAYS is one
 * day (`Wed`), a range (`Mon-Fri`, `Fri-Mon` wraps) or a comma list of those (`Sat,Sun`). The
 * end is exclusive and may be `24:00`; a window ending before it starts runs past midnight and
 * belongs to the day it starts. Times are wall-clock times: a window is shorter or longer on
 * the day the clocks change, and a start the clocks skip opens the window as the clock would
 * read it an hour later (RFC 5545's rule).
 */
export interface PostingHours {
  isOpen(at: number): boolean;
  /** `at` when open, else when the next window opens. */
  nextOpenAt(at: number): number;
  /** When the open stretch holding `at` (or the next one, when closed) ends; Infinity when always open. */
  closesAt(at: number): number;
  /**
   * The planning period holding `at` (or the next one, when closed) that a daily quota is spread
   * over: the open stretch, cut at local midnights when it is longer than a day.
   */
  period(at: number): { from: number; to: number };
}

const DAY_MS = 86_400_000;

/** The local day holding an instant, as [from, to) epoch milliseconds; remembers the last one asked for. */
function localDays(timezone: string): (at: number) => { from: number; to: number } {
  const zone = IANAZone.create(timezone);
  let last = { from: 0, to: 0 };
  return (at) => {
    if (last.from <= at && at < last.to) return last;
    const start = DateTime.fromMillis(at, { zone }).startOf('day');
    last = { from: start.toMillis(), to: start.plus({ days: 1 }).toMillis() };
    return last;
  };
}

/** Open at any time; quotas are spread over the local days of `timezone`. */
export function alwaysOpen(timezone: string): PostingHours {
  const localDay = localDays(timezone);
  return {
    isOpen: () => true,
    nextOpenAt: (at) => at,
    closesAt: () => Infinity,
    period: localDay,
  };
}

export const ALWAYS_OPEN: PostingHours = alwaysOpen('UTC');

/** One window: `day` 1 = Monday … 7 = Sunday (ISO, as Luxon counts), minutes from that day's midnight; `end` > `start`, at most 48 h. */
export interface PostingWindow {
  day: number;
  start: number;
  end: number;
}

export type HoursProblem = { index?: number; message: string };

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_LABELS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const ENTRY = /^\s*(\S+)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/;
const DAY_MINUTES = 1440;
const WEEK_MINUTES = 7 * DAY_MINUTES;

export function isKnownTimezone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

function parseDays(text: string): number[] | string {
  const days: number[] = [];
  for (const part of text.split(',')) {
    const bounds = part.split('-');
    const indexes = bounds.map((b) => DAY_NAMES.indexOf(b.trim().toLowerCase()));
    const unknown = bounds.find((_, i) => indexes[i] === -1);
    if (bounds.length > 2 || unknown !== undefined) {
      return `unknown day ${JSON.stringify(unknown ?? part)} (days are ${DAY_LABELS.join(', ')}; a range is "Mon-Fri", a list "Sat,Sun")`;
    }
    const [from, to = from] = indexes as [number, number?];
    for (let d = from; ; d = (d + 1) % 7) {
      if (days.includes(d + 1)) return `${DAY_LABELS[d]} is listed twice`;
      days.push(d + 1);
      if (d === to) break;
    }
  }
  return days;
}

function minutes(hours: string, mins: string): number | undefined {
  const h = Number(hours);
  const m = Number(mins);
  if (h > 24 || m > 59 || (h === 24 && m > 0)) return undefined;
  return h * 60 + m;
}

const clock = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Parses one entry; a string is what is wrong with it. */
export function parseHoursEntry(entry: string): PostingWindow[] | string {
  const match = ENTRY.exec(entry);
  if (!match) return `"${entry}" is not DAYS HH:MM-HH:MM (e.g. "Mon-Fri 07:00-22:00", "Sat,Sun 09:00-21:00")`;
  const [, daysText, sh, sm, eh, em] = match as unknown as [string, string, string, string, string, string];
  const days = parseDays(daysText);
  if (typeof days === 'string') return days;
  const start = minutes(sh, sm);
  const end = minutes(eh, em);
  if (start === undefined || start === DAY_MINUTES) return `${sh}:${sm} is not a start time (00:00 to 23:59)`;
  if (end === undefined) return `${eh}:${em} is not an end time (00:00 to 24:00)`;
  if (start === end) {
    return `the window ${sh}:${sm}-${eh}:${em} is empty (the end is exclusive): use 00:00-24:00 for the whole day`;
  }
  const windowEnd = end > start ? end : end + DAY_MINUTES;
  return days.map((day) => ({ day, start, end: windowEnd }));
}

/** Where a window sits in the week, in minutes from Monday 00:00 (the end may pass the week's end). */
function weekSpan(w: PostingWindow): [number, number] {
  const from = (w.day - 1) * DAY_MINUTES + w.start;
  return [from, from + (w.end - w.start)];
}

function overlaps(a: PostingWindow, b: PostingWindow): boolean {
  const [a0, a1] = weekSpan(a);
  const [b0, b1] = weekSpan(b);
  return [-WEEK_MINUTES, 0, WEEK_MINUTES].some((shift) => a0 < b1 + shift && b0 + shift < a1);
}

const describe = (w: PostingWindow) => `${DAY_LABELS[w.day - 1]} ${clock(w.start)}-${w.end === DAY_MINUTES ? '24:00' : clock(w.end)}`;

/** Parses `postingHours`; every problem with the index of its entry. */
export function parsePostingHours(entries: string[]): { windows: PostingWindow[]; problems: HoursProblem[] } {
  if (entries.length === 0) return { windows: [], problems: [{ message: 'no posting hours: nothing would ever be sent; remove the key to post at any time' }] };
  const problems: HoursProblem[] = [];
  const windows: (PostingWindow & { index: number })[] = [];
  entries.forEach((entry, index) => {
    const parsed = parseHoursEntry(entry);
    if (typeof parsed === 'string') {
      problems.push({ index, message: parsed });
      return;
    }
    for (const w of parsed) {
      const clash = windows.find((other) => overlaps(other, w));
      if (clash) {
        problems.push({ index, message: `${describe(w)} overlaps entry ${clash.index} ("${entries[clash.index]}"): windows must not overlap` });
        return;
      }
      windows.push({ ...w, index });
    }
  });
  return { windows: windows.map(({ day, start, end }) => ({ day, start, end })), problems };
}

/**
 * Stretches are computed for local days from 8 before to 16 after an instant's day, and reused
 * for any instant within a day of it: enough to hold the stretch containing it and the next
 * one with its end (a stretch is at most a week long).
 */
const SCAN_DAYS_BEFORE = 8;
const SCAN_DAYS_AFTER = 16;

/** The posting hours of `windows` (already checked by `parsePostingHours`) in `timezone`. */
export function postingHours(windows: PostingWindow[], timezone: string): PostingHours {
  const covered = windows.reduce((sum, w) => sum + (w.end - w.start), 0);
  if (covered >= WEEK_MINUTES) return alwaysOpen(timezone);

  const localDay = localDays(timezone);
  const zone = IANAZone.create(timezone);
  let cache: { validFrom: number; validTo: number; stretches: [number, number][] } | undefined;
  /** Merged open stretches [from, to) around `at`, as epoch milliseconds, in time order. */
  const stretchesAround = (at: number): [number, number][] => {
    if (cache && cache.validFrom <= at && at < cache.validTo) return cache.stretches;
    const today = DateTime.fromMillis(at, { zone }).startOf('day');
    const todayUtc = Date.UTC(today.year, today.month - 1, today.day);
    const spans: [number, number][] = [];
    for (let offset = -SCAN_DAYS_BEFORE; offset <= SCAN_DAYS_AFTER; offset++) {
      // The local calendar date, by plain date arithmetic (no time zone involved).
      const date = new Date(todayUtc + offset * DAY_MS);
      const weekday = ((date.getUTCDay() + 6) % 7) + 1;
      for (const w of windows) {
        if (w.day !== weekday) continue;
        spans.push([wallClock(date, w.start, zone), wallClock(date, w.end, zone)]);
      }
    }
    spans.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const span of spans) {
      const last = merged[merged.length - 1];
      if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
      else merged.push([...span]);
    }
    cache = { validFrom: today.toMillis() - DAY_MS, validTo: today.toMillis() + 2 * DAY_MS, stretches: merged };
    return merged;
  };

  const stretchAt = (at: number) => stretchesAround(at).find(([from, to]) => from <= at && at < to);
  const nextOpenAt = (at: number): number => {
    if (stretchAt(at)) return at;
    const next = stretchesAround(at).find(([from]) => from > at);
    return next ? next[0] : Infinity;
  };
  const stretchFrom = (at: number): [number, number] | undefined => {
    const open = nextOpenAt(at);
    return open === Infinity ? undefined : stretchAt(open);
  };
  return {
    isOpen: (at) => stretchAt(at) !== undefined,
    nextOpenAt,
    closesAt: (at) => stretchFrom(at)?.[1] ?? Infinity,
    period: (at) => {
      const stretch = stretchFrom(at);
      if (!stretch) return { from: Infinity, to: Infinity };
      const [from, to] = stretch;
      if (to - from <= DAY_MS) return { from, to };
      const day = localDay(Math.max(at, from));
      return { from: Math.max(from, day.from), to: Math.min(to, day.to) };
    },
  };
}

/** The instant the local clock of `zone` reads `minute` (may be ≥ 1440: the next day) on the calendar `date` (a UTC midnight). */
function wallClock(date: Date, minute: number, zone: IANAZone): number {
  const day = new Date(date.getTime() + Math.floor(minute / DAY_MINUTES) * DAY_MS);
  const m = minute % DAY_MINUTES;
  return DateTime.fromObject(
    { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour: Math.floor(m / 60), minute: m % 60 },
    { zone },
  ).toMillis();
}
