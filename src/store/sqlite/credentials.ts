import type { CredentialRow, NewCredentialRow } from '../../auth/credential-store.ts';
import { statement, type Db } from './db.ts';
import type { CredentialExpiry } from '../../auth/expiry-concern.ts';
import { CREDENTIAL_COLUMNS, credentialFromRow, EXPIRY_COLUMNS, expiryFromRow, type CredentialColumns as Row, type ExpiryColumns } from '../rows.ts';

export function credential(db: Db, channelId: string): CredentialRow | undefined {
  const raw = statement<[string], Row>(db, `SELECT ${CREDENTIAL_COLUMNS} FROM credentials WHERE channel_id = ?`).get(channelId);
  return raw && credentialFromRow(raw);
}

export function credentials(db: Db): CredentialRow[] {
  return statement<[], Row>(db, `SELECT ${CREDENTIAL_COLUMNS} FROM credentials ORDER BY channel_id`).all().map(credentialFromRow);
}

export function putCredential(db: Db, row: NewCredentialRow, expectedVersion: number): boolean {
  const values = [row.kind, row.data, row.account ?? null, row.expiresAt ?? null, row.refreshedAt ?? null, row.updatedAt];
  if (expectedVersion === 0) {
    return (
      statement(
        db,
        `INSERT INTO credentials (channel_id, kind, data, account, expires_at, refreshed_at, updated_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (channel_id) DO NOTHING`,
      ).run(row.channelId, ...values).changes === 1
    );
  }
  return (
    statement(
      db,
      `UPDATE credentials SET kind = ?, data = ?, account = ?, expires_at = ?, refreshed_at = ?, updated_at = ?,
         version = version + 1, refresh_worker = NULL, refresh_until = NULL
       WHERE channel_id = ? AND version = ?`,
    ).run(...values, row.channelId, expectedVersion).changes === 1
  );
}

export function claimRefresh(db: Db, channelId: string, version: number, workerId: string, now: number, until: number): boolean {
  return (
    statement(
      db,
      `UPDATE credentials SET refresh_worker = ?, refresh_until = ?
       WHERE channel_id = ? AND version = ? AND (refresh_until IS NULL OR refresh_until <= ? OR refresh_worker = ?)`,
    ).run(workerId, until, channelId, version, now, workerId).changes === 1
  );
}

export function releaseRefresh(db: Db, channelId: string, workerId: string): void {
  statement(db, 'UPDATE credentials SET refresh_worker = NULL, refresh_until = NULL WHERE channel_id = ? AND refresh_worker = ?').run(channelId, workerId);
}

export function credentialExpiries(db: Db): CredentialExpiry[] {
  return statement<[], ExpiryColumns>(db, `SELECT ${EXPIRY_COLUMNS} FROM credentials WHERE expires_at IS NOT NULL ORDER BY channel_id`).all().map(expiryFromRow);
}
