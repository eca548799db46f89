import type { ChannelQueue } from '../../delivery/outbox.ts';
import type { Settlement } from '../../delivery/types.ts';
import type { RenderedPost } from '../../platform.ts';
import { channelFromRow, deliveryFromRow, EDIT_READY, MAY_HAVE_POSTED, type ChannelRow, type DeliveryRow } from '../rows.ts';
import { statement, type Db } from './db.ts';

/** A post keeps the rendering of its first claim (a resend sends the same bytes); an edit renders the article's latest version each time. */
const RENDERED_AT_CLAIM = `CASE WHEN kind = 'edit' THEN ? ELSE COALESCE(rendered, ?) END`;

export function channelQueue(db: Db, channelId: string, now: number, since: number): ChannelQueue {
  const state = channelFromRow(channelId, statement<[string], ChannelRow>(db, 'SELECT * FROM channels WHERE id = ?').get(channelId));
  const last = statement<[string], { t: number | null }>(
    db,
    `SELECT MAX(t.started_at) AS t FROM attempts t JOIN deliveries d ON d.id = t.delivery_id WHERE t.channel_id = ? AND d.dry_run = 0 AND (t.outcome IS NULL OR t.outcome <> 'expired')`,
  ).get(channelId);
  const recentPosts = statement<[string, number], { started_at: number }>(
    db,
    `SELECT t.started_at FROM attempts t JOIN deliveries d ON d.id = t.delivery_id
     WHERE t.channel_id = ? AND t.started_at > ? AND d.dry_run = 0 AND d.kind = 'post'
       AND (t.outcome IS NULL OR t.outcome IN ${MAY_HAVE_POSTED})
     ORDER BY t.started_at DESC`,
  )
    .all(channelId, since)
    .map((r) => r.started_at);
  // Walked in queue order on its index, stopping at the first row due; INDEXED BY because the
  // planner would rather range over deliveries_queue by due_at and sort the whole queue.
  const next = statement<[string, number], DeliveryRow>(
    db,
    `SELECT d.*, a.feed_id, a.data FROM deliveries d INDEXED BY deliveries_in_order JOIN articles a ON a.pk = d.article_pk
     WHERE d.channel_id = ? AND d.state = 'pending' AND d.due_at <= ? AND ${EDIT_READY} ORDER BY d.kind, d.order_at, d.article_pk LIMIT 1`,
  ).get(channelId, now);
  const queue = statement<[string], { due: number | null; edit_due: number | null; n: number }>(
    db,
    `SELECT MIN(due_at) AS due, MIN(CASE WHEN kind = 'edit' AND ${EDIT_READY} THEN due_at END) AS edit_due, COUNT(*) AS n
     FROM deliveries d WHERE channel_id = ? AND state = 'pending'`,
  ).get(channelId)!;
  return {
    state,
    lastAttemptAt: last?.t ?? undefined,
    recentPosts,
    next: next ? deliveryFromRow(next) : undefined,
    earliestDueAt: queue.due ?? undefined,
    editDueAt: queue.edit_due ?? undefined,
    pending: queue.n,
  };
}

function claimPending(db: Db, id: number, rendered: RenderedPost, dryRun: boolean, workerId: string, now: number): number | undefined {
  const row = statement<unknown[], { attempts: number; channel_id: string }>(
    db,
    `UPDATE deliveries SET state = 'sending', attempts = attempts + 1, rendered = ${RENDERED_AT_CLAIM}, dry_run = ?, claimed_by = ?
     WHERE id = ? AND state = 'pending' RETURNING attempts, channel_id`,
  ).get(JSON.stringify(rendered), JSON.stringify(rendered), dryRun ? 1 : 0, workerId, id);
  if (!row) return undefined;
  statement(db, 'INSERT INTO attempts (delivery_id, n, channel_id, started_at, worker_id) VALUES (?, ?, ?, ?, ?)').run(
    id,
    row.attempts,
    row.channel_id,
    now,
    workerId,
  );
  return row.attempts;
}

function settleClaimed(db: Db, id: number, attempt: number, s: Settlement, now: number): boolean {
  if (!settleDelivery(db, id, attempt, s, now)) return false;
  statement(db, 'UPDATE attempts SET finished_at = ?, outcome = ?, detail = ?, code = ?, http_status = ? WHERE delivery_id = ? AND n = ?').run(
    now,
    s.outcome,
    s.detail ?? null,
    s.code ?? null,
    s.httpStatus ?? null,
    id,
    attempt,
  );
  return true;
}

/** Only the claim this attempt made: a delivery recovered or settled meanwhile is left as it is (attempt too). */
function settleDelivery(db: Db, id: number, attempt: number, s: Settlement, now: number): boolean {
  const claimed = `WHERE id = @id AND state = 'sending' AND attempts = @attempt`;
  const p = { id, attempt, now, code: s.code ?? null, detail: s.detail ?? null };
  if (s.state === 'sent') {
    return (
      statement(
        db,
        `UPDATE deliveries SET state = 'sent', settled_at = @now, remote_id = COALESCE(@remoteId, remote_id), remote_url = COALESCE(@remoteUrl, remote_url),
         last_error = NULL, last_code = @code, claimed_by = NULL ${claimed}`,
      ).run({ ...p, remoteId: s.remoteId ?? null, remoteUrl: s.remoteUrl ?? null }).changes > 0
    );
  }
  if (s.state === 'pending') {
    return (
      statement(
        db,
        `UPDATE deliveries SET state = 'pending', due_at = @dueAt, failures = failures + @failure, resend = MAX(resend, @resend),
         last_error = @detail, last_code = @code, claimed_by = NULL ${claimed}`,
      ).run({ ...p, dueAt: s.dueAt, failure: s.countFailure ? 1 : 0, resend: s.resend ? 1 : 0 }).changes > 0
    );
  }
  return (
    statement(db, `UPDATE deliveries SET state = @state, settled_at = @now, last_error = @detail, last_code = @code, claimed_by = NULL ${claimed}`).run({
      ...p,
      state: s.state,
    }).changes > 0
  );
}

export function claim(db: Db, id: number, rendered: RenderedPost, workerId: string, now: number): number | undefined {
  return db.transaction(() => claimPending(db, id, rendered, false, workerId, now))();
}

export function settle(db: Db, id: number, attempt: number, s: Settlement, now: number): boolean {
  return db.transaction(() => settleClaimed(db, id, attempt, s, now))();
}

export function recordDryRun(db: Db, id: number, rendered: RenderedPost, workerId: string, now: number): number | undefined {
  return db.transaction(() => {
    const attempt = claimPending(db, id, rendered, true, workerId, now);
    if (attempt !== undefined) settleClaimed(db, id, attempt, { state: 'sent', outcome: 'dry-run' }, now);
    return attempt;
  })();
}

export function failUnrenderable(db: Db, id: number, reason: string, now: number): boolean {
  return (
    statement(db, `UPDATE deliveries SET state = 'failed', settled_at = ?, last_error = ?, last_code = 'render_failed' WHERE id = ? AND state = 'pending'`).run(
      now,
      reason,
      id,
    ).changes > 0
  );
}

export function dropEdit(db: Db, id: number, reason: string, code: string, now: number): boolean {
  return (
    statement(db, `UPDATE deliveries SET state = 'skipped', settled_at = ?, last_error = ?, last_code = ? WHERE id = ? AND kind = 'edit' AND state = 'pending'`).run(
      now,
      reason,
      code,
      id,
    ).changes > 0
  );
}

export function pauseChannel(db: Db, id: string, reason: string, now: number): boolean {
  return (
    statement(
      db,
      `INSERT INTO channels (id, paused_reason, paused_at) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET paused_reason = excluded.paused_reason, paused_at = excluded.paused_at
       WHERE channels.paused_reason IS NULL`,
    ).run(id, reason, now).changes > 0
  );
}

export function blockChannel(db: Db, id: string, until: number, code: string, reason: string | undefined): void {
  statement(
    db,
    `INSERT INTO channels (id, blocked_until, blocked_code, blocked_reason) VALUES (@id, @until, @code, @reason)
     ON CONFLICT (id) DO UPDATE SET blocked_until = @until, blocked_code = @code, blocked_reason = @reason
     WHERE COALESCE(channels.blocked_until, 0) <= @until`,
  ).run({ id, until, code, reason: reason ?? null });
}
