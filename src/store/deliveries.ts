import type { Article } from '../article.ts';
import type { RenderedPost } from '../platform.ts';
import { statement, type Db } from './db.ts';

export type DeliveryState = 'held' | 'pending' | 'sending' | 'sent' | 'failed' | 'in_doubt' | 'skipped';

export interface Delivery {
  id: number;
  articlePk: number;
  feedId: string;
  channelId: string;
  state: DeliveryState;
  idempotencyKey: string;
  attempts: number;
  failures: number;
  resend: boolean;
  dueAt: number;
  createdAt: number;
  settledAt?: number;
  rendered?: RenderedPost;
  dryRun: boolean;
  remoteId?: string;
  remoteUrl?: string;
  lastError?: string;
  article: Article;
}

interface DeliveryRow {
  id: number;
  article_pk: number;
  feed_id: string;
  channel_id: string;
  state: DeliveryState;
  idempotency_key: string;
  attempts: number;
  failures: number;
  resend: number;
  due_at: number;
  created_at: number;
  settled_at: number | null;
  rendered: string | null;
  dry_run: number;
  remote_id: string | null;
  remote_url: string | null;
  last_error: string | null;
  data: string;
}

const SELECT = `SELECT d.*, a.feed_id, a.data FROM deliveries d JOIN articles a ON a.pk = d.article_pk`;

function fromRow(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    articlePk: row.article_pk,
    feedId: row.feed_id,
    channelId: row.channel_id,
    state: row.state,
    idempotencyKey: row.idempotency_key,
    attempts: row.attempts,
    failures: row.failures,
    resend: row.resend === 1,
    dueAt: row.due_at,
    createdAt: row.created_at,
    settledAt: row.settled_at ?? undefined,
    rendered: row.rendered ? (JSON.parse(row.rendered) as RenderedPost) : undefined,
    dryRun: row.dry_run === 1,
    remoteId: row.remote_id ?? undefined,
    remoteUrl: row.remote_url ?? undefined,
    lastError: row.last_error ?? undefined,
    article: JSON.parse(row.data) as Article,
  };
}

export function getDelivery(db: Db, id: number): Delivery | undefined {
  const row = statement<[number], DeliveryRow>(db, `${SELECT} WHERE d.id = ?`).get(id);
  return row ? fromRow(row) : undefined;
}

/**
 * The channel's next delivery due now, oldest article first (`order_at` is the article's
 * publication date where known, else when it was seen; ties go to the older article row).
 * The queue is walked in that order on its index, stopping at the first row due; INDEXED BY
 * because the planner would rather range over deliveries_queue by due_at and sort it all.
 */
export function nextDue(db: Db, channelId: string, now: number): Delivery | undefined {
  const row = statement<[string, number], DeliveryRow>(
    db,
    `SELECT d.*, a.feed_id, a.data FROM deliveries d INDEXED BY deliveries_in_order JOIN articles a ON a.pk = d.article_pk
     WHERE d.channel_id = ? AND d.state = 'pending' AND d.due_at <= ? ORDER BY d.order_at, d.article_pk LIMIT 1`,
  ).get(channelId, now);
  return row ? fromRow(row) : undefined;
}

/** When the channel's earliest pending delivery becomes due. */
export function earliestPending(db: Db, channelId: string): number | undefined {
  const row = statement<[string], { due: number | null }>(
    db,
    `SELECT MIN(due_at) AS due FROM deliveries WHERE channel_id = ? AND state = 'pending'`,
  ).get(channelId);
  return row?.due ?? undefined;
}

export function countPending(db: Db, channelId: string): number {
  return statement<[string], { n: number }>(db, `SELECT COUNT(*) AS n FROM deliveries WHERE channel_id = ? AND state = 'pending'`).get(channelId)!.n;
}

export function listDeliveries(
  db: Db,
  filter: { states?: DeliveryState[]; channelId?: string; limit?: number } = {},
): Delivery[] {
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
  const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.id DESC LIMIT ?`;
  return statement<(string | number)[], DeliveryRow>(db, sql)
    .all(...params, filter.limit ?? 1_000_000)
    .map(fromRow);
}

export function countByState(db: Db): Record<DeliveryState, number> {
  const counts: Record<DeliveryState, number> = { held: 0, pending: 0, sending: 0, sent: 0, failed: 0, in_doubt: 0, skipped: 0 };
  for (const row of statement<[], { state: DeliveryState; n: number }>(db, 'SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state').all()) {
    counts[row.state] = row.n;
  }
  return counts;
}

export interface AttemptRow {
  deliveryId: number;
  n: number;
  startedAt: number;
  finishedAt?: number;
  outcome?: string;
  detail?: string;
}

export function attemptsOf(db: Db, deliveryId: number): AttemptRow[] {
  return statement<[number], { delivery_id: number; n: number; started_at: number; finished_at: number | null; outcome: string | null; detail: string | null }>(
    db,
    'SELECT * FROM attempts WHERE delivery_id = ? ORDER BY n',
  )
    .all(deliveryId)
    .map((r) => ({
      deliveryId: r.delivery_id,
      n: r.n,
      startedAt: r.started_at,
      finishedAt: r.finished_at ?? undefined,
      outcome: r.outcome ?? undefined,
      detail: r.detail ?? undefined,
    }));
}
