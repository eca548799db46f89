import type { DeliveryState } from '../../delivery/types.ts';
import type { ActionResult } from '../../operator/actions.ts';
import type { PgDb } from './db.ts';

interface Moved {
  id: number;
  channel_id: string;
  title: string;
  state: DeliveryState;
}

/**
 * One delivery moved by one conditional UPDATE (`set` may read the old row; `$1` is the id,
 * `$2` now). When nothing moved, says whether the delivery is missing or in another state.
 */
async function moveOne(db: PgDb, id: number, now: number, from: DeliveryState[], set: string): Promise<ActionResult> {
  const { rows } = await db.query<Moved>(
    `WITH moved AS (UPDATE deliveries SET ${set} WHERE id = $1 AND state = ANY($3) RETURNING id, channel_id, state, article_pk)
     SELECT m.id, m.channel_id, m.state, a.title FROM moved m JOIN articles a ON a.pk = m.article_pk`,
    [id, now, from],
  );
  if (rows[0]) return { code: 'done', count: 1, delivery: described(rows[0]) };
  const { rows: found } = await db.query<Moved>(
    'SELECT d.id, d.channel_id, d.state, a.title FROM deliveries d JOIN articles a ON a.pk = d.article_pk WHERE d.id = $1',
    [id],
  );
  return found[0] ? { code: 'wrong-state', count: 0, delivery: described(found[0]) } : { code: 'not-found', count: 0 };
}

function described(row: Moved): NonNullable<ActionResult['delivery']> {
  return { id: row.id, channelId: row.channel_id, title: row.title, state: row.state };
}

/** Many deliveries moved by one conditional UPDATE (`$1` now, then `params`). */
async function moveAll(db: PgDb, now: number, sql: string, params: unknown[] = []): Promise<ActionResult> {
  const { rowCount } = await db.query(sql, [now, ...params]);
  const count = rowCount ?? 0;
  return { code: count > 0 ? 'done' : 'nothing', count };
}

const REQUEUE = `state = 'pending', due_at = $2, failures = 0, settled_at = NULL`;

export const retry = (db: PgDb, id: number, now: number) =>
  moveOne(db, id, now, ['failed', 'in_doubt'], `${REQUEUE}, resend = CASE WHEN state = 'in_doubt' THEN 1 ELSE resend END`);

export const retryFailed = (db: PgDb, now: number) =>
  moveAll(db, now, `UPDATE deliveries SET state = 'pending', due_at = $1, failures = 0, settled_at = NULL WHERE state = 'failed'`);

export const skip = (db: PgDb, id: number, now: number) =>
  moveOne(db, id, now, ['pending', 'held', 'review', 'failed', 'in_doubt'], `state = 'skipped', settled_at = $2`);

export const skipHeld = (db: PgDb, now: number) => moveAll(db, now, `UPDATE deliveries SET state = 'skipped', settled_at = $1 WHERE state = 'held'`);

export const release = (db: PgDb, feedId: string, now: number) =>
  moveAll(
    db,
    now,
    `UPDATE deliveries SET state = 'pending', due_at = $1 WHERE state = 'held' AND article_pk IN (SELECT pk FROM articles WHERE feed_id = $2)`,
    [feedId],
  );

export async function resume(db: PgDb, channelId: string): Promise<ActionResult> {
  const { rowCount } = await db.query('UPDATE channels SET paused_reason = NULL, paused_at = NULL WHERE id = $1 AND paused_reason IS NOT NULL', [channelId]);
  return rowCount ? { code: 'done', count: rowCount } : { code: 'nothing', count: 0 };
}

export const approve = (db: PgDb, id: number, now: number) => moveOne(db, id, now, ['review'], `state = 'pending', due_at = $2`);

export const approveChannel = (db: PgDb, channelId: string, now: number) =>
  moveAll(db, now, `UPDATE deliveries SET state = 'pending', due_at = $1 WHERE state = 'review' AND channel_id = $2`, [channelId]);

export const reject = (db: PgDb, id: number, now: number) => moveOne(db, id, now, ['review'], `state = 'skipped', settled_at = $2`);
