import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from '../../src/scheduler/schedule.ts';

describe('nextTick', () => {
  afterEach(() => vi.useRealTimers());

  it('gives the next tick after now, and the one after once it has passed', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-02T10:00:30Z'));
    expect(nextTick('*/5 * * * *')).toBe(Date.parse('2026-12-02T10:05:00Z'));
    vi.setSystemTime(new Date('2026-12-02T10:04:59Z'));
    expect(nextTick('*/5 * * * *')).toBe(Date.parse('2026-12-02T10:05:00Z'));
    vi.setSystemTime(new Date('2026-12-02T10:05:00.500Z'));
    expect(nextTick('*/5 * * * *')).toBe(Date.parse('2026-12-02T10:10:00Z'));
    expect(nextTick('7 * * * *')).toBe(Date.parse('2026-12-02T10:07:00Z'));
  });
});
