import type { AlertBatch, AlertRecord, AlertStore } from '../../alerts/alert-store.ts';
import type { Condition } from '../../alerts/conditions.ts';
import { alertFromRow, type AlertRow } from '../rows.ts';
import { statement, type Db } from './db.ts';

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

// An alert never notified needs no "resolved" notice either: it is dropped.
const DROP_UNNOTIFIED = `DELETE FROM alerts WHERE key = @key AND resolved_at IS NULL AND notified_at IS NULL`;
const RESOLVE = `UPDATE alerts SET resolved_at = @now WHERE key = @key AND resolved_at IS NULL`;

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
    return statement<[], AlertRow>(this.#db, OPEN).all().map(alertFromRow);
  }

  async raiseAlerts(conditions: Condition[]): Promise<void> {
    const raise = statement<Condition>(this.#db, RAISE);
    this.#db.transaction(() => {
      for (const c of conditions) raise.run(c);
    })();
  }

  async resolveAlerts(keys: string[], now: number): Promise<void> {
    const drop = statement<{ key: string }>(this.#db, DROP_UNNOTIFIED);
    const resolve = statement<{ key: string; now: number }>(this.#db, RESOLVE);
    this.#db.transaction(() => {
      for (const key of keys) if (drop.run({ key }).changes === 0) resolve.run({ key, now });
    })();
  }

  async claimAlertBatch(now: number, minIntervalMs: number): Promise<AlertBatch | undefined> {
    return this.#db.transaction(() => {
      const last = statement<[], { at: number }>(this.#db, LAST_NOTICE).get()?.at ?? 0;
      if (last > 0 && now - last < minIntervalMs) return undefined;
      const raised = statement<[number], AlertRow>(this.#db, CLAIM_RAISED).all(now).map(alertFromRow);
      const resolved = statement<[number], AlertRow>(this.#db, CLAIM_RESOLVED).all(now).map(alertFromRow);
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
