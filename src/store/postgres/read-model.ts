import { DELIVERY_STATES, type AttemptOutcome, type AttemptRecord, type ChannelState, type Delivery, type DeliveryState } from '../../delivery/types.ts';
import type { DeliveryFilter } from '../../operator/read-model.ts';
import type { PgDb } from './db.ts';
import { attemptFromRow, channelFromRow, DELIVERY_SELECT, deliveryFromRow, type AttemptRow, type ChannelRow, type DeliveryRow } from '../rows.ts';

export async function delivery(db: PgDb, id: number): Promise<Delivery | undefined> {
  const { rows } = await db.query<DeliveryRow>(`${DELIVERY_SELECT} WHERE d.id = $1`, [id]);
  return rows[0] ? deliveryFromRow(rows[0]) : undefined;
}

export async function deliveries(db: PgDb, filter: DeliveryFilter = {}): Promise<Delivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `${DELIVERY_SELECT} WHERE ($1::text[] IS NULL OR d.state = ANY($1)) AND ($2::text IS NULL OR d.channel_id = $2)
     ORDER BY d.id DESC LIMIT $3`,
    [filter.states?.length ? filter.states : null, filter.channelId ?? null, filter.limit ?? null],
  );
  return rows.map(deliveryFromRow);
}

export async function attempts(db: PgDb, deliveryIds: number[]): Promise<Map<number, AttemptRecord[]>> {
  const byDelivery = new Map<number, AttemptRecord[]>(deliveryIds.map((id) => [id, []]));
  if (deliveryIds.length === 0) return byDelivery;
  const { rows } = await db.query<AttemptRow>('SELECT * FROM attempts WHERE delivery_id = ANY($1) ORDER BY delivery_id, n', [deliveryIds]);
  for (const row of rows) byDelivery.get(row.delivery_id)?.push(attemptFromRow(row));
  return byDelivery;
}

export async function countByState(db: PgDb): Promise<Record<DeliveryState, number>> {
  const counts = Object.fromEntries(DELIVERY_STATES.map((s) => [s, 0])) as Record<DeliveryState, number>;
  const { rows } = await db.query<{ state: DeliveryState; n: number }>('SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state');
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

export async function queueDepths(db: PgDb): Promise<{ channelId: string; state: DeliveryState; count: number }[]> {
  const { rows } = await db.query<{ channel_id: string; state: DeliveryState; n: number }>(
    'SELECT channel_id, state, COUNT(*) AS n FROM deliveries GROUP BY channel_id, state ORDER BY channel_id, state',
  );
  return rows.map((r) => ({ channelId: r.channel_id, state: r.state, count: r.n }));
}

export async function attemptCounts(db: PgDb): Promise<{ channelId: string; outcome: AttemptOutcome; count: number }[]> {
  const { rows } = await db.query<{ channel_id: string; outcome: AttemptOutcome; n: number }>(
    'SELECT channel_id, outcome, COUNT(*) AS n FROM attempts WHERE outcome IS NOT NULL GROUP BY channel_id, outcome ORDER BY channel_id, outcome',
  );
  return rows.map((r) => ({ channelId: r.channel_id, outcome: r.outcome, count: r.n }));
}

export async function channelStates(db: PgDb): Promise<ChannelState[]> {
  const { rows } = await db.query<ChannelRow>('SELECT * FROM channels ORDER BY id');
  return rows.map((r) => channelFromRow(r.id, r));
}
