import { UserError } from '../errors.ts';
import type { ActionResult, OperatorActions } from '../operator/actions.ts';

export type ReviewAction = 'approve' | 'reject';

/** What an approve or reject did, in one line for the operator; `ok` false exits 1. */
export function reviewOutcome(action: ReviewAction, result: ActionResult, target: { id?: number; channelId?: string }): { ok: boolean; message: string } {
  const d = result.delivery;
  switch (result.code) {
    case 'done':
      if (action === 'reject') return { ok: true, message: `#${d?.id ?? target.id} rejected: "${d?.title ?? ''}" will not be posted on ${d?.channelId ?? ''}` };
      if (target.channelId !== undefined) {
        return { ok: true, message: `${result.count} delivery(ies) approved on ${target.channelId}: they go out within its hours, spacing and quotas` };
      }
      return { ok: true, message: `#${d?.id ?? target.id} approved: "${d?.title ?? ''}" goes out on ${d?.channelId ?? ''} within its hours, spacing and quotas` };
    case 'nothing':
      return { ok: true, message: `nothing waits for review on ${target.channelId ?? ''}` };
    case 'not-found':
      return { ok: false, message: `no delivery #${target.id}: see \`herald status\` for the ids waiting for review` };
    case 'wrong-state':
      return { ok: false, message: `#${target.id} is ${d?.state ?? 'not in review'}, not waiting for review: nothing changed` };
  }
}

export interface ReviewOptions {
  channel?: string;
  all?: boolean;
}

/** Runs `herald approve ID | --channel C --all` or `herald reject ID` against the store's operator actions. */
export async function review(
  action: ReviewAction,
  target: string | undefined,
  opts: ReviewOptions,
  actions: OperatorActions,
  channelIds: string[],
  now: number,
): Promise<{ ok: boolean; message: string }> {
  if (action === 'approve' && (opts.all || opts.channel !== undefined)) {
    if (!opts.all || opts.channel === undefined || target !== undefined) {
      throw new UserError('approve takes a delivery id, or --channel CHANNEL --all to approve everything waiting on a channel');
    }
    if (!channelIds.includes(opts.channel)) throw new UserError(`no channel "${opts.channel}" in the config`, `channels: ${channelIds.join(', ')}`);
    return reviewOutcome(action, await actions.approveChannel(opts.channel, now), { channelId: opts.channel });
  }
  const id = Number(target);
  if (!target || !Number.isInteger(id) || id < 1) {
    throw new UserError(`${action} needs a delivery id (a number from \`herald status\`)${action === 'approve' ? ', or --channel CHANNEL --all' : ''}`);
  }
  const result = action === 'approve' ? await actions.approve(id, now) : await actions.reject(id, now);
  return reviewOutcome(action, result, { id });
}
