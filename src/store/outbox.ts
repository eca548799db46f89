import type { RenderedPost } from '../platform.ts';
import { statement, type Db } from './db.ts';

/** How an attempt ended, as recorded in `attempts.outcome` and shown by `history`. */
export type AttemptOutcome =
  | 'sent'
  | 'already-posted'
  | 'dry-run'
  | 'retry'
  | 'rate-limited'
  | 'permanent'
  | 'auth'
  | 'in-doubt'
  | 'interrupted'
  | 'render-failed';

export type Settlement =
  | { state: 'sent'; outcome: 'sent' | 'already-posted' | 'dry-run'; remoteId?: string; remoteUrl?: string; detail?: string }
  | { state: 'pending'; outcome: AttemptOutcome; detail: string; dueAt: number; countFailure: boolean; resend: boolean }
  | { state: 'failed' | 'in_doubt'; outcome: AttemptOutcome; detail: string };

/**
 * Claims a pending delivery before its request leaves: state `sending`, one more attempt,
 * the rendered post fixed on first claim (a resend sends the same bytes). Returns the
 * attempt number, or undefined when another worker got there first.
 */
export function claim(db: Db, id: number, rendered: RenderedPost, dryRun: boolean, now: number): number | undefined {
  return db.transaction(() => claimPending(db, id, rendered, dryRun, now))();
}

export function settle(db: Db, id: number, attempt: number, s: Settlement, now: number): void {
  db.transaction(() => settleClaimed(db, id, attempt, s, now))();
}

/**
 * A dry run's whole attempt, claimed and settled as sent (`dry-run`) in one transaction:
 * nothing leaves the process, so there is no request to claim ahead of. Returns the attempt
 * number, or undefined when the delivery is no longer pending.
 */
export function recordDryRun(db: Db, id: number, rendered: RenderedPost, now: number): number | undefined {
  return db.transaction(() => {
    const attempt = claimPending(db, id, rendered, true, now);
    if (attempt !== undefined) settleClaimed(db, id, attempt, { state: 'sent', outcome: 'dry-run' }, now);
    return attempt;
  })();
}

function claimPending(db: Db, id: number, rendered: RenderedPost, dryRun: boolean, now: number): number | undefined {
  const row = statement<unknown[], { attempts: number; channel_id: string }>(
    db,
    `UPDATE deliveries SET state = 'sending', attempts = attempts + 1, rendered = COALESCE(rendered, ?), dry_run = ?
     WHERE id = ? AND state = 'pending' RETURNING attempts, channel_id`,
  ).get(JSON.stringify(rendered), dryRun ? 1 : 0, id);
  if (!row) return undefined;
  statement(db, 'INSERT INTO attempts (delivery_id, n, channel_id, started_at) VALUES (?, ?, ?, ?)').run(id, row.attempts, row.channel_id, now);
  return row.attempts;
}

function settleClaimed(db: Db, id: number, attempt: number, s: Settlement, now: number): void {
  statement(db, 'UPDATE attempts SET finished_at = ?, outcome = ?, detail = ? WHERE delivery_id = ? AND n = ?').run(
    now,
    s.outcome,
    s.detail ?? null,
    id,
    attempt,
  );
  if (s.state === 'sent') {
    statement(
      db,
      `UPDATE deliveries SET state = 'sent', settled_at = ?, remote_id = ?, remote_url = ?, last_error = NULL WHERE id = ? AND state = 'sending'`,
    ).run(now, s.remoteId ?? null, s.remoteUrl ?? null, id);
  } else if (s.state === 'pending') {
    statement(
      db,
      `UPDATE deliveries SET state = 'pending', due_at = ?, failures = failures + ?, resend = MAX(resend, ?), last_error = ?
       WHERE id = ? AND state = 'sending'`,
    ).run(s.dueAt, s.countFailure ? 1 : 0, s.resend ? 1 : 0, s.detail, id);
  } else {
    statement(db, `UPDATE deliveries SET state = ?, settled_at = ?, last_error = ? WHERE id = ? AND state = 'sending'`).run(s.state, now, s.detail, id);
  }
}

/** Renders that cannot be sent at all (the link alone is over the limit) fail without an attempt. */
export function failUnrenderable(db: Db, id: number, reason: string, now: number): void {
  statement(db, `UPDATE deliveries SET state = 'failed', settled_at = ?, last_error = ? WHERE id = ? AND state = 'pending'`).run(now, reason, id);
}

/**
 * After a crash, deliveries left in `sending` may or may not have reached the platform.
 * Those whose adapter can resend safely go back to the queue marked as a resend; the others
 * wait in doubt for the operator. Returns how many of each.
 */
export function recoverInterrupted(db: Db, canResend: (channelId: string) => boolean, now: number): { resent: number; inDoubt: number } {
  return db.transaction(() => {
    const interrupted = statement<[], { id: number; channel_id: string; attempts: number }>(
      db,
      `SELECT id, channel_id, attempts FROM deliveries WHERE state = 'sending'`,
    ).all();
    let resent = 0;
    for (const d of interrupted) {
      statement(db, `UPDATE attempts SET outcome = 'interrupted', finished_at = ?, detail = ? WHERE delivery_id = ? AND n = ?`).run(
        now,
        'the process stopped before the answer was recorded',
        d.id,
        d.attempts,
      );
      if (canResend(d.channel_id)) {
        statement(db, `UPDATE deliveries SET state = 'pending', resend = 1, due_at = ? WHERE id = ?`).run(now, d.id);
        resent++;
      } else {
        statement(db, `UPDATE deliveries SET state = 'in_doubt', settled_at = ?, last_error = ? WHERE id = ?`).run(
          now,
          'interrupted mid-send: the post may or may not be on the platform; check the channel, then `herald retry ID` to send it or `herald skip ID`',
          d.id,
        );
      }
    }
    return { resent, inDoubt: interrupted.length - resent };
  })();
}

/** Start times of the channel's recent attempts that may have posted, newest first (for pacing). */
export function recentPostStarts(db: Db, channelId: string, since: number): number[] {
  return statement<[string, number], { started_at: number }>(
    db,
    `SELECT t.started_at FROM attempts t JOIN deliveries d ON d.id = t.delivery_id
     WHERE t.channel_id = ? AND t.started_at > ? AND d.dry_run = 0
       AND (t.outcome IS NULL OR t.outcome IN ('sent', 'already-posted', 'in-doubt', 'interrupted'))
     ORDER BY t.started_at DESC`,
  )
    .all(channelId, since)
    .map((r) => r.started_at);
}

/** When the channel last started any attempt (spacing counts every request). */
export function lastAttemptStart(db: Db, channelId: string): number | undefined {
  const row = statement<[string], { t: number | null }>(
    db,
    `SELECT MAX(t.started_at) AS t FROM attempts t JOIN deliveries d ON d.id = t.delivery_id WHERE t.channel_id = ? AND d.dry_run = 0`,
  ).get(channelId);
  return row?.t ?? undefined;
}
