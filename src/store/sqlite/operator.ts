import type { DeliveryState } from '../../delivery/types.ts';
import type { ActionResult } from '../../operator/actions.ts';
import { statement, type Db } from './db.ts';

/**
 * Each action is one conditional update on the states it applies to: a delivery claimed or
 * settled in between is never rewritten. What did not move is explained from a read after.
 */
function one(db: Db, id: number, from: DeliveryState[], set: string, params: Record<string, unknown>): ActionResult {
  const changed = statement(db, `UPDATE deliveries SET ${set} WHERE id = @id AND state IN (${from.map((s) => `'${s}'`).join(', ')})`).run({ ...params, id }).changes;
  const row = statement<[number], { id: number; channel_id: string; state: DeliveryState; title: string }>(
    db,
    'SELECT d.id, d.channel_id, d.state, a.title FROM deliveries d JOIN articles a ON a.pk = d.article_pk WHERE d.id = ?',
  ).get(id);
  if (!row) return { code: 'not-found', count: 0 };
  const delivery = { id: row.id, channelId: row.channel_id, title: row.title, state: row.state };
  return { code: changed > 0 ? 'done' : 'wrong-state', count: changed, delivery };
}

function many(db: Db, sql: string, params: Record<string, unknown>): ActionResult {
  const count = statement(db, sql).run(params).changes;
  return { code: count > 0 ? 'done' : 'nothing', count };
}

export const RETRYABLE: DeliveryState[] = ['failed', 'in_doubt'];
export const SKIPPABLE: DeliveryState[] = ['pending', 'held', 'review', 'failed', 'in_doubt'];

export function retry(db: Db, id: number, now: number): ActionResult {
  return one(db, id, RETRYABLE, `state = 'pending', due_at = @now, failures = 0, resend = MAX(resend, state = 'in_doubt'), settled_at = NULL`, { now });
}

export function retryFailed(db: Db, now: number): ActionResult {
  return many(db, `UPDATE deliveries SET state = 'pending', due_at = @now, failures = 0, settled_at = NULL WHERE state = 'failed'`, { now });
}

export function skip(db: Db, id: number, now: number): ActionResult {
  return one(db, id, SKIPPABLE, `state = 'skipped', settled_at = @now`, { now });
}

export function skipHeld(db: Db, now: number): ActionResult {
  return many(db, `UPDATE deliveries SET state = 'skipped', settled_at = @now WHERE state = 'held'`, { now });
}

export function release(db: Db, feedId: string, now: number): ActionResult {
  return many(
    db,
    `UPDATE deliveries SET state = 'pending', due_at = @now WHERE state = 'held' AND article_pk IN (SELECT pk FROM articles WHERE feed_id = @feedId)`,
    { now, feedId },
  );
}

export function resume(db: Db, channelId: string): ActionResult {
  return many(db, 'UPDATE channels SET paused_reason = NULL, paused_at = NULL WHERE id = @channelId AND paused_reason IS NOT NULL', { channelId });
}

export function approve(db: Db, id: number, now: number): ActionResult {
  return one(db, id, ['review'], `state = 'pending', due_at = MAX(due_at, @now)`, { now });
}

export function approveChannel(db: Db, channelId: string, now: number): ActionResult {
  return many(db, `UPDATE deliveries SET state = 'pending', due_at = MAX(due_at, @now) WHERE state = 'review' AND channel_id = @channelId`, { now, channelId });
}

export function reject(db: Db, id: number, now: number): ActionResult {
  return one(db, id, ['review'], `state = 'skipped', settled_at = @now, last_code = 'rejected'`, { now });
}
