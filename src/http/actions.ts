import type { ActionResult } from '../operator/actions.ts';
import type { ConsoleStore } from './console-store.ts';

export type DeliveryAction = 'approve' | 'reject' | 'retry' | 'skip';
export const DELIVERY_ACTIONS: readonly DeliveryAction[] = ['approve', 'reject', 'retry', 'skip'];

export function isDeliveryAction(name: string): name is DeliveryAction {
  return (DELIVERY_ACTIONS as readonly string[]).includes(name);
}

export function runDeliveryAction(store: ConsoleStore, action: DeliveryAction, id: number, now: number): Promise<ActionResult> {
  return store[action](id, now);
}

const DONE: Record<DeliveryAction | 'release' | 'resume', string> = {
  approve: 'approved: it goes out with the channel’s spacing, quota and posting hours',
  reject: 'rejected: it will never be sent',
  retry: 'queued again',
  skip: 'skipped: it will never be sent',
  release: 'released',
  resume: 'resumed',
};

/** Which states each action applies to, for the "cannot" message. */
const APPLIES_TO: Record<DeliveryAction, string> = {
  approve: 'deliveries waiting for review',
  reject: 'deliveries waiting for review',
  retry: 'failed or in-doubt deliveries',
  skip: 'pending, held, review, failed or in-doubt deliveries',
};

/** The sentence an operator reads for what an action on a delivery did. */
export function deliveryActionMessage(action: DeliveryAction, id: number, result: ActionResult): string {
  const title = result.delivery ? ` (${result.delivery.channelId}: ${result.delivery.title})` : '';
  switch (result.code) {
    case 'done':
      return `#${id}${title} ${DONE[action]}.`;
    case 'not-found':
      return `#${id} does not exist: check the id in the queue or in history.`;
    case 'wrong-state':
      return `#${id}${title} is ${result.delivery?.state.replace('_', ' ') ?? 'in another state'}: ${action} applies to ${APPLIES_TO[action]} only.`;
    case 'nothing':
      return `#${id}: nothing to ${action}.`;
  }
}

export function releaseMessage(feedId: string, result: ActionResult): string {
  return result.count > 0
    ? `${result.count} held item${result.count === 1 ? '' : 's'} of ${feedId} ${DONE.release}: they go out with each channel’s spacing and quota.`
    : `${feedId} has no held items.`;
}

export function resumeMessage(channelId: string, result: ActionResult): string {
  return result.code === 'done' ? `${channelId} ${DONE.resume}: its queue is sent again.` : `${channelId} is not paused.`;
}
