import type { QueueEntry } from '../../delivery/planner.ts';
import type { Delivery } from '../../delivery/types.ts';
import { deliveryFromRow, type DeliveryRow } from '../rows.ts';
import { statement, type Db } from './db.ts';

export function plannerEntries(db: Db, channelId: string): QueueEntry[] {
  return statement<[string], { id: number; priority: number; order_at: number; due_at: number; published_at: number | null }>(
    db,
    `SELECT d.id, d.priority, d.order_at, d.due_at, a.published_at FROM deliveries d JOIN articles a ON a.pk = d.article_pk
     WHERE d.channel_id = ? AND d.state = 'pending' AND d.kind = 'post'`,
  )
    .all(channelId)
    .map((r) => ({ id: r.id, priority: r.priority, orderAt: r.order_at, dueAt: r.due_at, ...(r.published_at !== null && { publishedAt: r.published_at }) }));
}

export function pendingDelivery(db: Db, id: number): Delivery | undefined {
  const row = statement<[number], DeliveryRow>(
    db,
    `SELECT d.*, a.feed_id, a.data FROM deliveries d JOIN articles a ON a.pk = d.article_pk WHERE d.id = ? AND d.state = 'pending'`,
  ).get(id);
  return row ? deliveryFromRow(row) : undefined;
}

export function expire(db: Db, id: number, detail: string, now: number): boolean {
  return db.transaction(() => {
    const row = statement<unknown[], { attempts: number; channel_id: string }>(
      db,
      `UPDATE deliveries SET state = 'expired', attempts = attempts + 1, settled_at = ?, last_error = ?, last_code = 'expired'
       WHERE id = ? AND state = 'pending' RETURNING attempts, channel_id`,
    ).get(now, detail, id);
    if (!row) return false;
    statement(
      db,
      `INSERT INTO attempts (delivery_id, n, channel_id, started_at, finished_at, outcome, code, detail) VALUES (?, ?, ?, ?, ?, 'expired', 'expired', ?)`,
    ).run(id, row.attempts, row.channel_id, now, now, detail);
    return true;
  })();
}
