import type { EditResult, RemotePost } from '../platform.ts';
import type { RetryPolicy } from './backoff.ts';
import { planSettlement, type SettlementPlan } from './settlement.ts';

/**
 * Turns an adapter's answer to an edit into the edit delivery's next state (pure: the worker
 * applies it). An edit is settled like a send — retries with backoff, rate limits, paused
 * channels — except that it is never in doubt, and a post deleted by hand ends it quietly:
 * skipped, not failed, so nothing alerts or retries.
 */
export function planEditSettlement(result: EditResult, remote: RemotePost, failuresSoFar: number, policy: RetryPolicy, now: number): SettlementPlan {
  switch (result.kind) {
    case 'edited': {
      const remoteUrl = result.url ?? remote.remoteUrl;
      return {
        settlement: {
          state: 'sent',
          outcome: 'edited',
          remoteId: remote.remoteId,
          ...(remoteUrl !== undefined && { remoteUrl }),
          ...(result.detail !== undefined && { detail: result.detail }),
        },
      };
    }
    case 'gone':
      return { settlement: { state: 'skipped', outcome: 'permanent', code: 'post_gone', detail: `correction not applied: the post is gone (${result.reason})` } };
    default:
      return planSettlement(result, failuresSoFar, 'resend', policy, now);
  }
}
