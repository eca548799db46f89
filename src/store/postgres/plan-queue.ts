import type { QueueEntry } from '../../delivery/planner.ts';
import type { Delivery } from '../../delivery/types.ts';
import type { PgDb } from './db.ts';
import { DELIVERY_SELECT, deliveryFromRow, type DeliveryRow } from '../rows.ts';

export async function plannerEntries(db: PgDb, channelId: string): Promise<QueueEntry[]> {
  const { rows } = await db.query<{ id: number; priority: number; order_at: number; due_at: number; published_at: number | null }>(
    `SELECT d.id, d.priority, d.order_at, d.due_at, a.published_at FROM deliveries d JOIN articles a ON a.pk = d.article_pk
     WHERE d.channel_id = $1 AND d.state = 'pending' AND d.kind = 'post'`,
    [channelId],
  );
  return rows.map((r) => ({ id: r.id, priority: r.priority, orderAt: r.order_at, dueAt: r.due_at, ...(r.published_at !== null && { publishedAt: r.published_at }) }));
}

export async function pendingDelivery(db: PgDb, id: number): Promise<Delivery | undefined> {
  const { rows } = await db.query<DeliveryRow>(`${DELIVERY_SELECT} WHERE d.id = $1 AND d.state = 'pending'`, [id]);
  return rows[0] ? deliveryFromRow(rows[0]) : undefined;
}

/** One statement: the delivery ends `expired` only if it is still pending, and its attempt says so. */
export async function expire(db: PgDb, id: number, detail: string, now: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `WITH expired AS (
       UPDATE deliveries SET state = 'expired', attempts = attempts + 1, settled_at = $2, last_error = $3, last_code = 'expired'
       WHERE id = $1 AND state = 'pending' RETURNING id, attempts, channel_id)
     INSERT INTO attempts (delivery_id, n, channel_id, started_at, finished_at, outcome, code, detail)
     SELECT id, attempts, channel_id, $2, $2, 'expired', 'expired', $3 FROM expired`,
    [id, now, detail],
  );
  return rowCount === 1;
}
