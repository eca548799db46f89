import type { AlertBatch, AlertRecord } from '../../alerts/alert-store.ts';
import type { Condition } from '../../alerts/conditions.ts';
import { alertFromRow, type AlertRow } from '../rows.ts';
import type { PgDb } from './db.ts';

export async function openAlerts(db: PgDb): Promise<AlertRecord[]> {
  const { rows } = await db.query<AlertRow>('SELECT * FROM alerts WHERE resolved_at IS NULL OR resolve_notified_at IS NULL ORDER BY raised_at, key');
  return rows.map(alertFromRow);
}

// Open: refresh the detail. Resolved, notice not sent: open again silently. Resolved and notified: a new alert.
const RAISE = `
  INSERT INTO alerts (key, kind, subject, detail, raised_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
  ON CONFLICT (key) DO UPDATE SET
    detail = excluded.detail,
    raised_at = CASE WHEN alerts.resolve_notified_at IS NOT NULL THEN excluded.raised_at ELSE alerts.raised_at END,
    notified_at = CASE WHEN alerts.resolve_notified_at IS NOT NULL THEN NULL ELSE alerts.notified_at END,
    resolved_at = NULL,
    resolve_notified_at = NULL`;

export async function raiseAlerts(db: PgDb, conditions: Condition[]): Promise<void> {
  if (conditions.length === 0) return;
  await db.query(RAISE, [
    conditions.map((c) => c.key),
    conditions.map((c) => c.kind),
    conditions.map((c) => c.subject),
    conditions.map((c) => c.detail),
    conditions.map((c) => c.since),
  ]);
}

/** An alert never notified needs no "resolved" notice either: it is dropped. */
export async function resolveAlerts(db: PgDb, keys: string[], now: number): Promise<void> {
  if (keys.length === 0) return;
  await db.tx(async (client) => {
    await client.query('DELETE FROM alerts WHERE key = ANY($1) AND resolved_at IS NULL AND notified_at IS NULL', [keys]);
    await client.query('UPDATE alerts SET resolved_at = $2 WHERE key = ANY($1) AND resolved_at IS NULL', [keys, now]);
  });
}

/** Serialised across workers by the table lock, so one message goes out per interval however many check at once. */
export function claimAlertBatch(db: PgDb, now: number, minIntervalMs: number): Promise<AlertBatch | undefined> {
  return db.tx(async (client) => {
    await client.query('LOCK TABLE alerts IN EXCLUSIVE MODE');
    const { rows: last } = await client.query<{ at: number }>(
      'SELECT GREATEST(COALESCE(MAX(notified_at), 0), COALESCE(MAX(resolve_notified_at), 0))::bigint AS at FROM alerts',
    );
    const at = Number(last[0]?.at ?? 0);
    if (at > 0 && now - at < minIntervalMs) return undefined;
    const raised = await client.query<AlertRow>('UPDATE alerts SET notified_at = $1 WHERE notified_at IS NULL AND resolved_at IS NULL RETURNING *', [now]);
    const resolved = await client.query<AlertRow>(
      'UPDATE alerts SET resolve_notified_at = $1 WHERE resolved_at IS NOT NULL AND resolve_notified_at IS NULL RETURNING *',
      [now],
    );
    const batch = { claimedAt: now, raised: raised.rows.map(alertFromRow), resolved: resolved.rows.map(alertFromRow) };
    return batch.raised.length + batch.resolved.length > 0 ? batch : undefined;
  });
}

export async function releaseAlertBatch(db: PgDb, batch: AlertBatch): Promise<void> {
  await db.tx(async (client) => {
    await client.query('UPDATE alerts SET notified_at = NULL WHERE key = ANY($1) AND notified_at = $2', [batch.raised.map((a) => a.key), batch.claimedAt]);
    await client.query('UPDATE alerts SET resolve_notified_at = NULL WHERE key = ANY($1) AND resolve_notified_at = $2', [
      batch.resolved.map((a) => a.key),
      batch.claimedAt,
    ]);
  });
}
