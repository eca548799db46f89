import type { AlertBatch, AlertRecord, AlertStore } from '../../alerts/alert-store.ts';
import type { AlertKind, Condition } from '../../alerts/conditions.ts';
import { statement, type Db } from './db.ts';

interface AlertRow {
  key: string;
  kind: string;
  subject: string;
  detail: string | null;
  raised_at: number;
  notified_at: number | null;
  resolved_at: number | null;
  resolve_notified_at: number | null;
}

function record(row: AlertRow): AlertRecord {
  return {
    key: row.key,
    kind: row.kind as AlertKind,
    subject: row.subject,
    ...(row.detail !== null && { detail: row.detail }),
    raisedAt: row.raised_at,
    ...(row.notified_at !== null && { notifiedAt: row.notified_at }),
    ...(row.resolved_at !== null && { resolvedAt: row.resolved_at }),
    ...(row.resolve_notified_at !== null && { resolveNotifiedAt: row.resolve_notified_at }),
  };
}

const OPEN = `SELECT * FROM alerts WHERE resolved_at IS NULL OR resolve_notified_at IS NULL ORDER BY raised_at, key`;

// Open: refresh the detail. Resolved, notice not sent: open again silently. Resolved and notified: a new alert.
const RAISE = `
  INSERT INTO alerts (key, kind, subject, detail, raised_at) VALUES (@key, @kind, @subject, @detail, @since)
  ON CONFLICT (key) DO UPDATE SET
    detail = excluded.detail,
    raised_at = CASE WHEN alerts.resolve_notified_at IS NOT NULL THEN excluded.raised_at ELSE alerts.raised_at END,
    notified_at = CASE WHEN alerts.resolve_notified_at IS NOT NULL THEN NULL ELSE alerts.notified_at END,
    resolved_at = NULL,
    resolve_notified_at = NULL`;

// An alert never notified needs no "resolved" notice either.
const RESOLVE = `
  UPDATE alerts SET resolved_at = @now, resolve_notified_at = CASE WHEN notified_at IS NULL THEN @now ELSE NULL END
  WHERE key = @key AND resolved_at IS NULL`;

const LAST_NOTICE = `SELECT max(max(coalesce(notified_at, 0)), max(coalesce(resolve_notified_at, 0))) AS at FROM alerts`;
const CLAIM_RAISED = `UPDATE alerts SET notified_at = ? WHERE notified_at IS NULL AND resolved_at IS NULL RETURNING *`;
const CLAIM_RESOLVED = `UPDATE alerts SET resolve_notified_at = ? WHERE resolved_at IS NOT NULL AND resolve_notified_at IS NULL RETURNING *`;
const RELEASE_RAISED = `UPDATE alerts SET notified_at = NULL WHERE key = ? AND notified_at = ?`;
const RELEASE_RESOLVED = `UPDATE alerts SET resolve_notified_at = NULL WHERE key = ? AND resolve_notified_at = ?`;

/** The `alerts` table on SQLite. */
export class SqliteAlerts implements AlertStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async openAlerts(): Promise<AlertRecord[]> {
    return statement<[], AlertRow>(this.#db, OPEN).all().map(record);
  }

  async raiseAlerts(conditions: Condition[]): Promise<void> {
    const raise = statement<Condition>(this.#db, RAISE);
    this.#db.transaction(() => {
      for (const c of conditions) raise.run(c);
    })();
  }

  async resolveAlerts(keys: string[], now: number): Promise<void> {
    const resolve = statement<{ key: string; now: number }>(this.#db, RESOLVE);
    this.#db.transaction(() => {
      for (const key of keys) resolve.run({ key, now });
    })();
  }

  async claimAlertBatch(now: number, minIntervalMs: number): Promise<AlertBatch | undefined> {
    return this.#db.transaction(() => {
      const last = statement<[], { at: number }>(this.#db, LAST_NOTICE).get()?.at ?? 0;
      if (last > 0 && now - last < minIntervalMs) return undefined;
      const raised = statement<[number], AlertRow>(this.#db, CLAIM_RAISED).all(now).map(record);
      const resolved = statement<[number], AlertRow>(this.#db, CLAIM_RESOLVED).all(now).map(record);
      return raised.length + resolved.length > 0 ? { claimedAt: now, raised, resolved } : undefined;
    }).immediate();
  }

  async releaseAlertBatch(batch: AlertBatch): Promise<void> {
    this.#db.transaction(() => {
      for (const a of batch.raised) statement<[string, number]>(this.#db, RELEASE_RAISED).run(a.key, batch.claimedAt);
      for (const a of batch.resolved) statement<[string, number]>(this.#db, RELEASE_RESOLVED).run(a.key, batch.claimedAt);
    })();
  }
}
