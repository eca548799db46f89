import type { InDoubtStrategy, SendResult } from '../platform.ts';
import type { Settlement } from './types.ts';
import { retryDelay, type RetryPolicy } from './backoff.ts';

/**
 * A platform's retry-after is waited out as given, but never less than this: a reset already
 * past (clock skew) must not turn into a loop of immediate retries.
 */
export const MIN_RATE_LIMIT_WAIT_MS = 1000;

export interface SettlementPlan {
  settlement: Settlement;
  /** The channel's credentials were refused: pause it with this reason. */
  pause?: string;
  /** The platform rate-limited the whole channel until then. */
  blockUntil?: number;
}

/** Turns an adapter's answer into the delivery's next state (pure: the worker applies it). */
export function planSettlement(
  result: SendResult,
  failuresSoFar: number,
  strategy: InDoubtStrategy,
  policy: RetryPolicy,
  now: number,
): SettlementPlan {
  const plan = planByKind(result, failuresSoFar, strategy, policy, now);
  const code =
    result.code ?? (result.httpStatus !== undefined ? `http_${result.httpStatus}` : result.kind === 'retry' && result.rateLimited ? 'rate_limited' : DEFAULT_CODES[result.kind]);
  return { ...plan, settlement: { ...plan.settlement, code, ...(result.httpStatus !== undefined && { httpStatus: result.httpStatus }) } };
}

/** The code recorded when the adapter gave neither the platform's status nor a code of its own. */
const DEFAULT_CODES: Record<SendResult['kind'], string> = {
  sent: 'sent',
  'already-posted': 'already_posted',
  retry: 'transient',
  permanent: 'refused',
  auth: 'auth_refused',
  'in-doubt': 'no_answer',
};

function planByKind(result: SendResult, failuresSoFar: number, strategy: InDoubtStrategy, policy: RetryPolicy, now: number): SettlementPlan {
  switch (result.kind) {
    case 'sent':
      return { settlement: { state: 'sent', outcome: 'sent', remoteId: result.remoteId, remoteUrl: result.url } };
    case 'already-posted':
      return {
        settlement: { state: 'sent', outcome: 'already-posted', remoteId: result.remoteId, remoteUrl: result.url, detail: result.reason },
      };
    case 'permanent':
      return { settlement: { state: 'failed', outcome: 'permanent', detail: result.reason } };
    case 'auth':
      return {
        settlement: { state: 'pending', outcome: 'auth', detail: result.reason, dueAt: now, countFailure: false, resend: false },
        pause: result.reason,
      };
    case 'retry': {
      if (result.rateLimited) {
        const wait = result.afterMs === undefined ? retryDelay(policy, 1, undefined) : Math.max(MIN_RATE_LIMIT_WAIT_MS, result.afterMs);
        const until = now + wait;
        return {
          settlement: { state: 'pending', outcome: 'rate-limited', detail: result.reason, dueAt: until, countFailure: false, resend: false },
          blockUntil: until,
        };
      }
      const failures = failuresSoFar + 1;
      if (failures >= policy.maxFailures) {
        return { settlement: { state: 'failed', outcome: 'retry', detail: `gave up after ${failures} failed attempts: ${result.reason}` } };
      }
      return {
        settlement: {
          state: 'pending',
          outcome: 'retry',
          detail: result.reason,
          dueAt: now + retryDelay(policy, failures, result.afterMs),
          countFailure: true,
          resend: false,
        },
      };
    }
    case 'in-doubt': {
      const failures = failuresSoFar + 1;
      if (strategy === 'hold' || failures >= policy.maxFailures) {
        return { settlement: { state: 'in_doubt', outcome: 'in-doubt', detail: result.reason } };
      }
      return {
        settlement: {
          state: 'pending',
          outcome: 'in-doubt',
          detail: result.reason,
          dueAt: now + retryDelay(policy, failures, undefined),
          countFailure: true,
          resend: true,
        },
      };
    }
  }
}
