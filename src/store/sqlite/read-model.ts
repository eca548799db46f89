import { DELIVERY_STATES, type AttemptOutcome, type AttemptRecord, type ChannelState, type Delivery, type DeliveryState } from '../../delivery/types.ts';
import type { DeliveryFilter } from '../../operator/read-model.ts';
import { attemptFromRow, channelFromRow, DELIVERY_SELECT, deliveryFromRow, type AttemptRow, type ChannelRow, type DeliveryRow } from '../rows.ts';
import { statement, type Db } from './db.ts';

export function delivery(db: Db, id: number): Delivery | undefined {
  const row = statement<[number], DeliveryRow>(db, `${DELIVERY_SELECT} WHERE d.id = ?`).get(id);
  return row ? deliveryFromRow(row) : undefined;
}

export function deliveries(db: Db, filter: DeliveryFilter = {}): Delivery[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.states?.length) {
    where.push(`d.state IN (${filter.states.map(() => '?').join(', ')})`);
    params.push(...filter.states);
  }
  if (filter.channelId) {
    where.push('d.channel_id = ?');
    params.push(filter.channelId);
  }
  const sql = `${DELIVERY_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.id DESC LIMIT ?`;
  return statement<(string | number)[], DeliveryRow>(db, sql)
    .all(...params, filter.limit ?? 1_000_000)
    .map(deliveryFromRow);
}

export function attempts(db: Db, ids: number[]): Map<number, AttemptRecord[]> {
  const byDelivery = new Map<number, AttemptRecord[]>(ids.map((id) => [id, []]));
  const rows = statement<[string], AttemptRow>(db, 'SELECT * FROM attempts WHERE delivery_id IN (SELECT value FROM json_each(?)) ORDER BY delivery_id, n').all(
    JSON.stringify(ids),
  );
  for (const r of rows) byDelivery.get(r.delivery_id)?.push(attemptFromRow(r));
  return byDelivery;
}

export function countByState(db: Db): Record<DeliveryState, number> {
  const counts = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
  for (const row of statement<[], { state: DeliveryState; n: number }>(db, 'SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state').all()) {
    counts[row.state] = row.n;
  }
  return counts;
}

export function queueDepths(db: Db): { channelId: string; state: DeliveryState; count: number }[] {
  return statement<[], { channel_id: string; state: DeliveryState; n: number }>(
    db,
    'SELECT channel_id, state, COUNT(*) AS n FROM deliveries GROUP BY channel_id, state ORDER BY channel_id, state',
  )
    .all()
    .map((r) => ({ channelId: r.channel_id, state: r.state, count: r.n }));
}

export function attemptCounts(db: Db): { channelId: string; outcome: AttemptOutcome; count: number }[] {
  return statement<[], { channel_id: string; outcome: AttemptOutcome; n: number }>(
    db,
    'SELECT channel_id, outcome, COUNT(*) AS n FROM attempts WHERE outcome IS NOT NULL GROUP BY channel_id, outcome ORDER BY channel_id, outcome',
  )
    .all()
    .map((r) => ({ channelId: r.channel_id, outcome: r.outcome, count: r.n }));
}

export function channelStates(db: Db): ChannelState[] {
  return statement<[], ChannelRow>(db, 'SELECT * FROM channels ORDER BY id')
    .all()
    .map((r) => channelFromRow(r.id, r));
}
