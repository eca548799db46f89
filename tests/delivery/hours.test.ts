import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALWAYS_OPEN, parseHoursEntry, parsePostingHours, postingHours, type PostingHours } from '../../src/delivery/hours.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function hours(entries: string[], timezone: string): PostingHours {
  const { windows, problems } = parsePostingHours(entries);
  expect(problems).toEqual([]);
  return postingHours(windows, timezone);
}

describe('parsePostingHours', () => {
  it('reads days, ranges that wrap, lists, and windows past midnight', () => {
    expect(parseHoursEntry('Mon-Wed 07:00-22:00')).toEqual([
      { day: 1, start: 420, end: 1320 },
      { day: 2, start: 420, end: 1320 },
      { day: 3, start: 420, end: 1320 },
    ]);
    expect(parseHoursEntry('Fri-Mon 9:30-24:00')).toEqual([5, 6, 7, 1].map((day) => ({ day, start: 570, end: 1440 })));
    expect(parseHoursEntry('sat,SUN,Wed-Thu 10:00-12:00')).toEqual([6, 7, 3, 4].map((day) => ({ day, start: 600, end: 720 })));
    expect(parseHoursEntry('Fri 22:00-02:00')).toEqual([{ day: 5, start: 1320, end: 1440 + 120 }]);
    expect(parseHoursEntry('Sun 00:00-24:00')).toEqual([{ day: 7, start: 0, end: 1440 }]);
  });

  it('says what is wrong with a malformed entry', () => {
    expect(parseHoursEntry('Mon-Fri 25:00-26:00')).toBe('25:00 is not a start time (00:00 to 23:59)');
    expect(parseHoursEntry('Mon-Fri 07:00-24:30')).toBe('24:30 is not an end time (00:00 to 24:00)');
    expect(parseHoursEntry('Mon 24:00-02:00')).toBe('24:00 is not a start time (00:00 to 23:59)');
    expect(parseHoursEntry('Mon 07:60-08:00')).toBe('07:60 is not a start time (00:00 to 23:59)');
    expect(parseHoursEntry('Mon-Fri 7-22')).toBe('"Mon-Fri 7-22" is not DAYS HH:MM-HH:MM (e.g. "Mon-Fri 07:00-22:00", "Sat,Sun 09:00-21:00")');
    expect(parseHoursEntry('07:00-22:00')).toBe('"07:00-22:00" is not DAYS HH:MM-HH:MM (e.g. "Mon-Fri 07:00-22:00", "Sat,Sun 09:00-21:00")');
    expect(parseHoursEntry('Mon-Fry 07:00-22:00')).toBe('unknown day "Fry" (days are Mon, Tue, Wed, Thu, Fri, Sat, Sun; a range is "Mon-Fri", a list "Sat,Sun")');
    expect(parseHoursEntry('Mon-Tue-Wed 07:00-22:00')).toBe('unknown day "Mon-Tue-Wed" (days are Mon, Tue, Wed, Thu, Fri, Sat, Sun; a range is "Mon-Fri", a list "Sat,Sun")');
    expect(parseHoursEntry('Mon,Mon 07:00-08:00')).toBe('Mon is listed twice');
    expect(parseHoursEntry('Mon 07:00-07:00')).toBe('the window 07:00-07:00 is empty (the end is exclusive): use 00:00-24:00 for the whole day');
  });

  it('reports overlapping windows, across entries, days and midnight, with the entry they overlap', () => {
    expect(parsePostingHours(['Mon-Fri 07:00-22:00', 'Fri 21:00-23:00']).problems).toEqual([
      { index: 1, message: 'Fri 21:00-23:00 overlaps entry 0 ("Mon-Fri 07:00-22:00"): windows must not overlap' },
    ]);
    expect(parsePostingHours(['Fri 22:00-02:00', 'Sat 01:00-03:00']).problems).toEqual([
      { index: 1, message: 'Sat 01:00-03:00 overlaps entry 0 ("Fri 22:00-02:00"): windows must not overlap' },
    ]);
    expect(parsePostingHours(['Sun 23:00-01:00', 'Mon 00:30-02:00']).problems).toEqual([
      { index: 1, message: 'Mon 00:30-02:00 overlaps entry 0 ("Sun 23:00-01:00"): windows must not overlap' },
    ]);
    expect(parsePostingHours(['Fri-Mon 22:00-02:00', 'Mon 01:00-03:00']).problems).toEqual([
      { index: 1, message: 'Mon 01:00-03:00 overlaps entry 0 ("Fri-Mon 22:00-02:00"): windows must not overlap' },
    ]);
  });

  it('accepts windows that only touch, and rejects an empty list', () => {
    expect(parsePostingHours(['Mon 07:00-12:00', 'Mon 12:00-22:00', 'Fri 22:00-00:00', 'Sat 00:00-09:00']).problems).toEqual([]);
    expect(parsePostingHours([]).problems).toEqual([{ message: 'no posting hours: nothing would ever be sent; remove the key to post at any time' }]);
  });

  it('reports every bad entry at once, each with its index', () => {
    expect(parsePostingHours(['Mon 07:00-22:00', 'Tue 25:00-26:00', 'Wed 8-9']).problems.map((p) => p.index)).toEqual([1, 2]);
  });
});

describe('postingHours', () => {
  it('opens and closes in the channel time zone (Asia/Almaty, UTC+5)', () => {
    const h = hours(['Mon-Fri 07:00-22:00', 'Sat,Sun 09:00-21:00'], 'Asia/Almaty');
    // Monday 1 June 2026, 01:59 UTC = 06:59 in Almaty.
    expect(h.isOpen(at('2026-06-01T01:59:00Z'))).toBe(false);
    expect(iso(h.nextOpenAt(at('2026-06-01T01:59:00Z')))).toBe('2026-06-01T02:00:00.000Z');
    expect(h.isOpen(at('2026-06-01T02:00:00Z'))).toBe(true);
    expect(iso(h.closesAt(at('2026-06-01T02:00:00Z')))).toBe('2026-06-01T17:00:00.000Z');
    expect(h.isOpen(at('2026-06-01T17:00:00Z'))).toBe(false);
    // Friday 22:00 closes until Saturday 09:00.
    expect(iso(h.nextOpenAt(at('2026-06-05T17:00:00Z')))).toBe('2026-06-06T04:00:00.000Z');
    expect(iso(h.closesAt(at('2026-06-05T17:00:00Z')))).toBe('2026-06-06T16:00:00.000Z');
  });

  it('follows the clock across the spring change in Europe/London', () => {
    const h = hours(['Mon-Fri 07:00-22:00'], 'Europe/London');
    // Friday 27 March 2026 is GMT; Monday 30 March is BST (UTC+1).
    expect(iso(h.nextOpenAt(at('2026-03-27T06:30:00Z')))).toBe('2026-03-27T07:00:00.000Z');
    expect(iso(h.closesAt(at('2026-03-27T12:00:00Z')))).toBe('2026-03-27T22:00:00.000Z');
    expect(iso(h.nextOpenAt(at('2026-03-27T22:00:00Z')))).toBe('2026-03-30T06:00:00.000Z');
    expect(iso(h.closesAt(at('2026-03-30T06:00:00Z')))).toBe('2026-03-30T21:00:00.000Z');
  });

  it('makes the change days shorter and longer, and opens a window whose start the clock skips as the clock reads it', () => {
    const whole = hours(['Sun 00:00-24:00'], 'Europe/London');
    // 29 March 2026 has 23 hours, 25 October 2026 has 25.
    expect(whole.closesAt(at('2026-03-29T00:00:00Z')) - at('2026-03-29T00:00:00Z')).toBe(23 * 3_600_000);
    expect(iso(whole.nextOpenAt(at('2026-10-24T12:00:00Z')))).toBe('2026-10-24T23:00:00.000Z');
    expect(whole.closesAt(at('2026-10-24T23:00:00Z')) - at('2026-10-24T23:00:00Z')).toBe(25 * 3_600_000);
    const skipped = hours(['Sun 01:30-03:00'], 'Europe/London');
    expect(iso(skipped.nextOpenAt(at('2026-03-28T12:00:00Z')))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(skipped.closesAt(at('2026-03-29T01:30:00Z')))).toBe('2026-03-29T02:00:00.000Z');
  });

  it('keeps a window past midnight on the day it starts, and wraps day ranges', () => {
    const h = hours(['Fri-Mon 22:00-02:00'], 'UTC');
    // Tuesday 2 June 2026, 01:00: Monday's window, which started at 22:00.
    expect(h.isOpen(at('2026-06-02T01:00:00Z'))).toBe(true);
    expect(h.isOpen(at('2026-06-02T22:00:00Z'))).toBe(false);
    expect(iso(h.nextOpenAt(at('2026-06-02T02:00:00Z')))).toBe('2026-06-05T22:00:00.000Z');
    expect(iso(h.closesAt(at('2026-06-06T00:30:00Z')))).toBe('2026-06-06T02:00:00.000Z');
  });

  it('treats windows that touch as one open stretch', () => {
    const h = hours(['Mon 20:00-24:00', 'Tue 00:00-06:00'], 'UTC');
    expect(iso(h.closesAt(at('2026-06-01T21:00:00Z')))).toBe('2026-06-02T06:00:00.000Z');
  });

  it('is always open for the whole week, as when no hours are set, with local days as planning periods', () => {
    const h = hours(['Mon-Sun 00:00-24:00'], 'Asia/Almaty');
    expect(h.isOpen(0)).toBe(true);
    expect(h.closesAt(0)).toBe(Infinity);
    expect(h.period(at('2026-06-01T12:00:00Z'))).toEqual({ from: at('2026-05-31T19:00:00Z'), to: at('2026-06-01T19:00:00Z') });
    expect(ALWAYS_OPEN.period(at('2026-06-01T12:00:00Z'))).toEqual({ from: at('2026-06-01T00:00:00Z'), to: at('2026-06-02T00:00:00Z') });
  });

  it('plans over the open stretch, cut at local midnights when longer than a day', () => {
    const h = hours(['Fri 22:00-02:00', 'Mon-Wed 00:00-24:00'], 'Europe/London');
    // Friday 5 June 2026 22:00 BST to Saturday 02:00: one period.
    expect(h.period(at('2026-06-05T12:00:00Z'))).toEqual({ from: at('2026-06-05T21:00:00Z'), to: at('2026-06-06T01:00:00Z') });
    expect(h.period(at('2026-06-06T00:30:00Z'))).toEqual({ from: at('2026-06-05T21:00:00Z'), to: at('2026-06-06T01:00:00Z') });
    // Monday to Wednesday: three periods, one per local day.
    expect(h.period(at('2026-06-09T10:00:00Z'))).toEqual({ from: at('2026-06-08T23:00:00Z'), to: at('2026-06-09T23:00:00Z') });
    expect(h.period(at('2026-06-06T12:00:00Z'))).toEqual({ from: at('2026-06-07T23:00:00Z'), to: at('2026-06-08T23:00:00Z') });
  });

  it('agrees with itself at any instant: nextOpenAt is open, the stretch is open to its end and closed at it (property)', () => {
    const h = hours(['Mon-Fri 07:00-22:00', 'Sat 23:00-01:30', 'Sun 12:00-12:30'], 'Europe/London');
    const instants = fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') });
    fc.assert(
      fc.property(instants, (t) => {
        const open = h.nextOpenAt(t);
        const close = h.closesAt(t);
        expect(open).toBeGreaterThanOrEqual(t);
        expect(open < t + 7 * 86_400_000).toBe(true);
        expect(h.isOpen(open)).toBe(true);
        expect(h.isOpen(close - 1)).toBe(true);
        expect(h.isOpen(close)).toBe(false);
        expect(close).toBeGreaterThan(open);
        if (open > t) expect(h.isOpen(open - 1)).toBe(false);
        const period = h.period(t);
        expect(period.from <= open && open < period.to).toBe(true);
        expect(period.to - period.from).toBeLessThanOrEqual(86_400_000);
      }),
      { numRuns: 60 },
    );
  });
});
