import type { DeliveryState } from '../delivery/types.ts';

/**
 * What an operator action did, as data: the CLI and the console word it.
 * - done: it happened (`count` rows moved);
 * - not-found: no such delivery;
 * - wrong-state: the delivery is in a state the action does not apply to (`state` says which);
 * - nothing: a bulk action found nothing to move.
 */
export interface ActionResult {
  code: 'done' | 'not-found' | 'wrong-state' | 'nothing';
  count: number;
  delivery?: { id: number; channelId: string; title: string; state: DeliveryState };
}

/** Operator decisions. Each is one conditional update: it never rewrites a delivery that moved on. */
export interface OperatorActions {
  /** A failed delivery is queued again; an in-doubt one is sent again (as a resend). */
  retry(id: number, now: number): Promise<ActionResult>;
  retryFailed(now: number): Promise<ActionResult>;
  /** Never send it: pending, held, review, failed or in doubt. */
  skip(id: number, now: number): Promise<ActionResult>;
  skipHeld(now: number): Promise<ActionResult>;
  /** The flood guard's held items of a feed go out after all. */
  release(feedId: string, now: number): Promise<ActionResult>;
  resume(channelId: string): Promise<ActionResult>;
  approve(id: number, now: number): Promise<ActionResult>;
  approveChannel(channelId: string, now: number): Promise<ActionResult>;
  reject(id: number, now: number): Promise<ActionResult>;
}
