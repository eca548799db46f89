import type pg from 'pg';
import type { ChannelQueue } from '../../delivery/outbox.ts';
import type { Settlement } from '../../delivery/types.ts';
import type { RenderedPost } from '../../platform.ts';
import type { PgDb } from './db.ts';
import { channelFromRow, DELIVERY_SELECT, deliveryFromRow, type ChannelRow, type DeliveryRow } from './rows.ts';

/** Attempts that may have put a post on the platform: what quotas count. */
const MAY_HAVE_POSTED = `(t.outcome IS NULL OR t.outcome IN ('sent', 'already-posted', 'in-doubt', 'interrupted'))`;

export async function channelQueue(db: PgDb, channelId: string, now: number, since: number): Promise<ChannelQueue> {
  const summary = db.query<ChannelRow & { last_attempt_at: number | null; recent: number[] | null; earliest: number | null; pending: number }>(
    `SELECT c.*,
       (SELECT MAX(t.started_at) FROM attempts t JOIN deliveries d ON d.id = t.delivery_id WHERE t.channel_id = $1 AND d.dry_run = 0) AS last_attempt_at,
       (SELECT array_agg(t.started_at ORDER BY t.started_at DESC) FROM attempts t JOIN deliveries d ON d.id = t.delivery_id
         WHERE t.channel_id = $1 AND t.started_at > $2 AND d.dry_run = 0 AND ${MAY_HAVE_POSTED}) AS recent,
       (SELECT MIN(due_at) FROM deliveries WHERE channel_id = $1 AND state = 'pending') AS earliest,
       (SELECT COUNT(*) FROM deliveries WHERE channel_id = $1 AND state = 'pending') AS pending
     FROM (SELECT 1) one LEFT JOIN channels c ON c.id = $1`,
    [channelId, since],
  );
  // Edits first (a correction should not wait behind the queue), then the oldest article.
  const next = db.query<DeliveryRow>(
    `${DELIVERY_SELECT} WHERE d.channel_id = $1 AND d.state = 'pending' AND d.due_at <= $2
     ORDER BY d.kind = 'edit' DESC, d.order_at, d.article_pk, d.id LIMIT 1`,
    [channelId, now],
  );
  const [{ rows: [s] }, { rows: [n] }] = await Promise.all([summary, next]);
  return {
    state: channelFromRow(channelId, s),
    lastAttemptAt: s?.last_attempt_at ?? undefined,
    recentPosts: (s?.recent ?? []).map(Number),
    next: n ? deliveryFromRow(n) : undefined,
    earliestDueAt: s?.earliest ?? undefined,
    pending: s?.pending ?? 0,
  };
}

/** `pending` → `sending`, only while the worker holds the channel's lease; the attempt is opened with it. */
async function claimPending(client: pg.PoolClient, id: number, rendered: RenderedPost, workerId: string, now: number, dryRun: boolean): Promise<number | undefined> {
  const { rows } = await client.query<{ attempts: number; channel_id: string }>(
    `UPDATE deliveries d SET state = 'sending', attempts = attempts + 1, rendered = COALESCE(rendered, $2), dry_run = $3, claimed_by = $4
     WHERE id = $1 AND state = 'pending'
       AND EXISTS (SELECT 1 FROM channel_leases l WHERE l.channel_id = d.channel_id AND l.worker_id = $4 AND l.lease_until >= $5)
     RETURNING attempts, channel_id`,
    [id, JSON.stringify(rendered), dryRun ? 1 : 0, workerId, now],
  );
  const row = rows[0];
  if (!row) return undefined;
  await client.query('INSERT INTO attempts (delivery_id, n, channel_id, started_at, worker_id) VALUES ($1, $2, $3, $4, $5)', [
    id,
    row.attempts,
    row.channel_id,
    now,
    workerId,
  ]);
  return row.attempts;
}

async function settleClaimed(client: pg.PoolClient, id: number, attempt: number, s: Settlement, now: number): Promise<boolean> {
  const code = s.code ?? null;
  const guard = `WHERE id = $1 AND state = 'sending' AND attempts = $2`;
  let changed: pg.QueryResult;
  if (s.state === 'sent') {
    changed = await client.query(
      `UPDATE deliveries SET state = 'sent', settled_at = $3, remote_id = $4, remote_url = $5, last_error = NULL, last_code = $6, claimed_by = NULL ${guard}`,
      [id, attempt, now, s.remoteId ?? null, s.remoteUrl ?? null, code],
    );
  } else if (s.state === 'pending') {
    changed = await client.query(
      `UPDATE deliveries SET state = 'pending', due_at = $3, failures = failures + $4, resend = GREATEST(resend, $5), last_error = $6, last_code = $7,
         claimed_by = NULL ${guard}`,
      [id, attempt, s.dueAt, s.countFailure ? 1 : 0, s.resend ? 1 : 0, s.detail, code],
    );
  } else {
    changed = await client.query(
      `UPDATE deliveries SET state = $3, settled_at = $4, last_error = $5, last_code = $6, claimed_by = NULL ${guard}`,
      [id, attempt, s.state, now, s.detail, code],
    );
  }
  if (changed.rowCount !== 1) return false;
  await client.query('UPDATE attempts SET finished_at = $3, outcome = $4, code = $5, http_status = $6, detail = $7 WHERE delivery_id = $1 AND n = $2', [
    id,
    attempt,
    now,
    s.outcome,
    code,
    s.httpStatus ?? null,
    s.detail ?? null,
  ]);
  return true;
}

export function claim(db: PgDb, id: number, rendered: RenderedPost, opts: { workerId: string; now: number }): Promise<number | undefined> {
  return db.tx((c) => claimPending(c, id, rendered, opts.workerId, opts.now, false));
}

export function settle(db: PgDb, id: number, attempt: number, s: Settlement, now: number): Promise<boolean> {
  return db.tx((c) => settleClaimed(c, id, attempt, s, now));
}

export function recordDryRun(db: PgDb, id: number, rendered: RenderedPost, opts: { workerId: string; now: number }): Promise<number | undefined> {
  return db.tx(async (c) => {
    const attempt = await claimPending(c, id, rendered, opts.workerId, opts.now, true);
    if (attempt !== undefined) await settleClaimed(c, id, attempt, { state: 'sent', outcome: 'dry-run' }, opts.now);
    return attempt;
  });
}

export async function failUnrenderable(db: PgDb, id: number, reason: string, now: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE deliveries SET state = 'failed', settled_at = $2, last_error = $3, last_code = 'render-failed' WHERE id = $1 AND state = 'pending'`,
    [id, now, reason],
  );
  return rowCount === 1;
}

export async function pauseChannel(db: PgDb, channelId: string, reason: string, now: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO channels (id, paused_reason, paused_at) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET paused_reason = excluded.paused_reason, paused_at = excluded.paused_at
     WHERE channels.paused_reason IS NULL`,
    [channelId, reason, now],
  );
  return rowCount === 1;
}

export async function blockChannel(db: PgDb, channelId: string, until: number, code: string, reason?: string): Promise<void> {
  await db.query(
    `INSERT INTO channels AS c (id, blocked_until, blocked_code, blocked_reason) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET blocked_until = excluded.blocked_until, blocked_code = excluded.blocked_code, blocked_reason = excluded.blocked_reason
     WHERE c.blocked_until IS NULL OR c.blocked_until <= excluded.blocked_until`,
    [channelId, until, code, reason ?? null],
  );
}
