import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY as P } from '../../src/delivery/backoff.ts';
import { planEditSettlement } from '../../src/delivery/edit-settlement.ts';

const NOW = 1_700_000_000_000;
const REMOTE = { remoteId: '101', remoteUrl: 'https://t.me/astanatimes_test/101' };

describe('planEditSettlement', () => {
  it('edited settles as sent with outcome edited, keyed to the post it corrected', () => {
    expect(planEditSettlement({ kind: 'edited' }, REMOTE, 0, P, NOW)).toEqual({
      settlement: { state: 'sent', outcome: 'edited', remoteId: '101', remoteUrl: REMOTE.remoteUrl },
    });
    expect(planEditSettlement({ kind: 'edited', url: 'https://x/2', detail: 'not modified' }, { remoteId: '2' }, 0, P, NOW)).toEqual({
      settlement: { state: 'sent', outcome: 'edited', remoteId: '2', remoteUrl: 'https://x/2', detail: 'not modified' },
    });
  });

  it('a post deleted by hand is skipped, not failed: nothing retries or alerts', () => {
    expect(planEditSettlement({ kind: 'gone', reason: 'Mastodon HTTP 404: Record not found' }, REMOTE, 0, P, NOW)).toEqual({
      settlement: { state: 'skipped', outcome: 'permanent', code: 'post_gone', detail: 'correction not applied: the post is gone (Mastodon HTTP 404: Record not found)' },
    });
  });

  it('retries, rate limits, refused credentials and refusals are settled as for a send', () => {
    const limited = planEditSettlement({ kind: 'retry', reason: '429', afterMs: 60_000, rateLimited: true }, REMOTE, 0, P, NOW);
    expect(limited).toMatchObject({
      settlement: { state: 'pending', outcome: 'rate-limited', detail: '429', dueAt: NOW + 60_000, countFailure: false, resend: false },
      blockUntil: NOW + 60_000,
    });
    expect(planEditSettlement({ kind: "retry", reason: "HTTP 503" }, REMOTE, P.maxFailures - 1, P, NOW).settlement).toMatchObject({
      state: 'failed',
      outcome: 'retry',
      detail: `gave up after ${P.maxFailures} failed attempts: HTTP 503`,
    });
    expect(planEditSettlement({ kind: 'auth', reason: '401' }, REMOTE, 0, P, NOW).pause).toBe('401');
    expect(planEditSettlement({ kind: "permanent", reason: "message can't be edited" }, REMOTE, 0, P, NOW).settlement).toMatchObject({
      state: 'failed',
      outcome: 'permanent',
      detail: "message can't be edited",
    });
  });
});
