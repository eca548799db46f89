import type { ChannelQueue } from '../../delivery/outbox.ts';
import type { Settlement } from '../../delivery/types.ts';
import type { RenderedPost } from '../../platform.ts';
import type { PgDb, Queryable } from './db.ts';
import { channelFromRow, DELIVERY_SELECT, deliveryFromRow, EDIT_READY, type ChannelRow, type DeliveryRow } from '../rows.ts';

/** Attempts that may have put a post on the platform: what quotas count. */
const MAY_HAVE_POSTED = `(t.outcome IS NULL OR t.outcome IN ('sent', 'already-posted', 'in-doubt', 'interrupted'))`;

export async function channelQueue(db: PgDb, channelId: string, now: number, since: number): Promise<ChannelQueue> {
  const summary = db.query<ChannelRow & { last_attempt_at: number | null; recent: number[] | null; earliest: number | null; edit_due: number | null; pending: number }>(
    `SELECT c.*,
       (SELECT MAX(t.started_at) FROM attempts t JOIN deliveries d ON d.id = t.delivery_id WHERE t.channel_id = $1 AND d.dry_run = 0) AS last_attempt_at,
       (SELECT array_agg(t.started_at ORDER BY t.started_at DESC) FROM attempts t JOIN deliveries d ON d.id = t.delivery_id
         WHERE t.channel_id = $1 AND t.started_at > $2 AND d.dry_run = 0 AND d.kind = 'post' AND ${MAY_HAVE_POSTED}) AS recent,
       (SELECT MIN(due_at) FROM deliveries WHERE channel_id = $1 AND state = 'pending') AS earliest,
       (SELECT MIN(d.due_at) FROM deliveries d WHERE d.channel_id = $1 AND d.state = 'pending' AND d.kind = 'edit' AND ${EDIT_READY}) AS edit_due,
       (SELECT COUNT(*) FROM deliveries WHERE channel_id = $1 AND state = 'pending') AS pending
     FROM (SELECT 1) one LEFT JOIN channels c ON c.id = $1`,
    [channelId, since],
  );
  // Edits first ('edit' sorts before 'post': a correction should not wait behind the queue), then
  // the oldest article: the order of deliveries_in_order, walked until the first row due.
  const next = db.query<DeliveryRow>(
    `${DELIVERY_SELECT} WHERE d.channel_id = $1 AND d.state = 'pending' AND d.due_at <= $2 AND ${EDIT_READY}
     ORDER BY d.kind, d.order_at, d.article_pk LIMIT 1`,
    [channelId, now],
  );
  const [{ rows: [s] }, { rows: [n] }] = await Promise.all([summary, next]);
  return {
    state: channelFromRow(channelId, s),
    lastAttemptAt: s?.last_attempt_at ?? undefined,
    recentPosts: (s?.recent ?? []).map(Number),
    next: n ? deliveryFromRow(n) : undefined,
    earliestDueAt: s?.earliest ?? undefined,
    editDueAt: s?.edit_due ?? undefined,
    pending: s?.pending ?? 0,
  };
}

/**
 * `pending` → `sending`, only while the worker holds the channel's lease, and the attempt opened:
 * one statement (one round trip, its own transaction). Returns the attempt number.
 */
async function claimPending(db: Queryable, id: number, rendered: RenderedPost, workerId: string, now: number, dryRun: boolean): Promise<number | undefined> {
  const { rows } = await db.query<{ n: number }>(
    `WITH claimed AS (
       UPDATE deliveries d SET state = 'sending', attempts = attempts + 1, rendered = CASE WHEN kind = 'edit' THEN $2 ELSE COALESCE(rendered, $2) END, dry_run = $3, claimed_by = $4
       WHERE id = $1 AND state = 'pending'
         AND EXISTS (SELECT 1 FROM channel_leases l WHERE l.channel_id = d.channel_id AND l.worker_id = $4 AND l.lease_until >= $5)
       RETURNING id, attempts, channel_id)
     INSERT INTO attempts (delivery_id, n, channel_id, started_at, worker_id) SELECT id, attempts, channel_id, $5, $4 FROM claimed
     RETURNING n`,
    [id, JSON.stringify(rendered), dryRun ? 1 : 0, workerId, now],
  );
  return rows[0]?.n;
}

/** The delivery's move out of `sending` and its attempt's end, in one statement; false when it was no longer sending. */
async function settleClaimed(db: Queryable, id: number, attempt: number, s: Settlement, now: number): Promise<boolean> {
  // $1 id, $2 attempt, $3 now, $4 code, $5 detail; then what each end sets.
  const common = [id, attempt, now, s.code ?? null, s.detail ?? null];
  let set: string;
  let params: unknown[];
  if (s.state === 'sent') {
    set = `state = 'sent', settled_at = $3, remote_id = COALESCE($6, remote_id), remote_url = COALESCE($7, remote_url), last_error = NULL, last_code = $4`;
    params = [s.remoteId ?? null, s.remoteUrl ?? null];
  } else if (s.state === 'pending') {
    set = `state = 'pending', due_at = $6, failures = failures + $7, resend = GREATEST(resend, $8), last_error = $5, last_code = $4`;
    params = [s.dueAt, s.countFailure ? 1 : 0, s.resend ? 1 : 0];
  } else {
    set = `state = $6, settled_at = $3, last_error = $5, last_code = $4`;
    params = [s.state];
  }
  const n = common.length + params.length;
  const { rows } = await db.query<{ settled: number }>(
    `WITH settled AS (
       UPDATE deliveries SET ${set}, claimed_by = NULL WHERE id = $1 AND state = 'sending' AND attempts = $2 RETURNING id),
     finished AS (
       UPDATE attempts SET finished_at = $3, outcome = $${n + 1}, code = $4, http_status = $${n + 2}, detail = $5
       WHERE delivery_id = $1 AND n = $2 AND EXISTS (SELECT 1 FROM settled))
     SELECT COUNT(*) AS settled FROM settled`,
    [...common, ...params, s.outcome, s.httpStatus ?? null],
  );
  return rows[0]!.settled === 1;
}

export function claim(db: PgDb, id: number, rendered: RenderedPost, opts: { workerId: string; now: number }): Promise<number | undefined> {
  return claimPending(db, id, rendered, opts.workerId, opts.now, false);
}

export function settle(db: PgDb, id: number, attempt: number, s: Settlement, now: number): Promise<boolean> {
  return settleClaimed(db, id, attempt, s, now);
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
    `UPDATE deliveries SET state = 'failed', settled_at = $2, last_error = $3, last_code = 'render_failed' WHERE id = $1 AND state = 'pending'`,
    [id, now, reason],
  );
  return rowCount === 1;
}

export async function dropEdit(db: PgDb, id: number, reason: string, code: string, now: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE deliveries SET state = 'skipped', settled_at = $2, last_error = $3, last_code = $4 WHERE id = $1 AND kind = 'edit' AND state = 'pending'`,
    [id, now, reason, code],
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
