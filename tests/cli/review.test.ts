import { describe, expect, it } from 'vitest';
import { reviewOutcome } from '../../src/cli/review.ts';

const delivery = { id: 12, channelId: 'x-main', title: 'Tenge steadies', state: 'pending' as const };

describe('reviewOutcome', () => {
  it('confirms an approval, a bulk approval and a rejection in one line', () => {
    expect(reviewOutcome('approve', { code: 'done', count: 1, delivery }, { id: 12 })).toEqual({
      ok: true,
      message: '#12 approved: "Tenge steadies" goes out on x-main within its hours, spacing and quotas',
    });
    expect(reviewOutcome('approve', { code: 'done', count: 3 }, { channelId: 'x-main' })).toEqual({
      ok: true,
      message: '3 delivery(ies) approved on x-main: they go out within its hours, spacing and quotas',
    });
    expect(reviewOutcome('reject', { code: 'done', count: 1, delivery: { ...delivery, state: 'skipped' } }, { id: 12 })).toEqual({
      ok: true,
      message: '#12 rejected: "Tenge steadies" will not be posted on x-main',
    });
    expect(reviewOutcome('approve', { code: 'nothing', count: 0 }, { channelId: 'x-main' })).toEqual({ ok: true, message: 'nothing waits for review on x-main' });
  });

  it('fails for an unknown id or a delivery not in review', () => {
    expect(reviewOutcome('approve', { code: 'not-found', count: 0 }, { id: 99 })).toEqual({
      ok: false,
      message: 'no delivery #99: see `herald status` for the ids waiting for review',
    });
    expect(reviewOutcome('reject', { code: 'wrong-state', count: 0, delivery: { ...delivery, state: 'sent' } }, { id: 12 })).toEqual({
      ok: false,
      message: '#12 is sent, not waiting for review: nothing changed',
    });
  });
});
