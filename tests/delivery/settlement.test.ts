import { describe, expect, it } from 'vitest';
import { planSettlement } from '../../src/delivery/settlement.ts';
import { DEFAULT_RETRY_POLICY as P } from '../../src/delivery/backoff.ts';

const NOW = 1_700_000_000_000;

describe('planSettlement', () => {
  it('sent and already-posted settle as sent', () => {
    expect(planSettlement({ kind: 'sent', remoteId: '1', url: 'u' }, 0, 'hold', P, NOW).settlement).toEqual({
      state: 'sent', outcome: 'sent', remoteId: '1', remoteUrl: 'u', code: 'sent',
    });
    expect(planSettlement({ kind: 'already-posted', reason: 'duplicate' }, 0, 'resend', P, NOW).settlement).toMatchObject({
      state: 'sent', outcome: 'already-posted',
    });
  });

  it('a rate limit waits the platform delay, blocks the channel and costs no attempt', () => {
    const plan = planSettlement({ kind: 'retry', reason: '429', afterMs: 900_000, rateLimited: true }, 5, 'hold', P, NOW);
    expect(plan.blockUntil).toBe(NOW + 900_000);
    expect(plan.settlement).toMatchObject({ state: 'pending', dueAt: NOW + 900_000, countFailure: false });
  });

  it('transient failures back off, then fail with the reason after maxFailures', () => {
    expect(planSettlement({ kind: 'retry', reason: 'HTTP 503' }, 0, 'hold', P, NOW).settlement).toMatchObject({ state: 'pending', countFailure: true });
    expect(planSettlement({ kind: 'retry', reason: 'HTTP 503' }, P.maxFailures - 1, 'hold', P, NOW).settlement).toEqual({
      state: 'failed', outcome: 'retry', detail: `gave up after ${P.maxFailures} failed attempts: HTTP 503`, code: 'transient',
    });
  });

  it('auth pauses the channel and keeps the delivery queued', () => {
    const plan = planSettlement({ kind: 'auth', reason: '401 Unauthorized' }, 0, 'hold', P, NOW);
    expect(plan.pause).toBe('401 Unauthorized');
    expect(plan.settlement).toMatchObject({ state: 'pending', dueAt: NOW, countFailure: false });
  });

  it('in doubt: resend strategy queues a marked resend, hold strategy waits for the operator', () => {
    expect(planSettlement({ kind: 'in-doubt', reason: 'timeout' }, 0, 'resend', P, NOW).settlement).toMatchObject({ state: 'pending', resend: true });
    expect(planSettlement({ kind: 'in-doubt', reason: 'timeout' }, 0, 'hold', P, NOW).settlement).toMatchObject({ state: 'in_doubt' });
  });

  it('permanent fails at once with the platform message', () => {
    expect(planSettlement({ kind: 'permanent', reason: 'chat not found' }, 0, 'hold', P, NOW).settlement).toEqual({
      state: 'failed', outcome: 'permanent', detail: 'chat not found', code: 'refused',
    });
  });

  it('records the platform status and code as data, beside its words', () => {
    expect(planSettlement({ kind: 'permanent', reason: 'Bad Request: chat not found', httpStatus: 400 }, 0, 'hold', P, NOW).settlement).toMatchObject({
      code: 'http_400', httpStatus: 400, detail: 'Bad Request: chat not found',
    });
    expect(planSettlement({ kind: 'retry', reason: 'connect timeout', code: 'UND_ERR_CONNECT_TIMEOUT' }, 0, 'hold', P, NOW).settlement).toMatchObject({
      state: 'pending', code: 'UND_ERR_CONNECT_TIMEOUT',
    });
    expect(planSettlement({ kind: 'retry', reason: '429', rateLimited: true }, 0, 'hold', P, NOW).settlement).toMatchObject({ code: 'rate_limited' });
    expect(planSettlement({ kind: 'sent', remoteId: '1', httpStatus: 201 }, 0, 'hold', P, NOW).settlement).toMatchObject({ code: 'sent', httpStatus: 201 });
  });
});
