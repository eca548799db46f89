import type { CredentialRow, NewCredentialRow } from '../../auth/credential-store.ts';
import type { PgDb } from './db.ts';
import type { CredentialExpiry } from '../../auth/expiry-concern.ts';
import { CREDENTIAL_COLUMNS, credentialFromRow, EXPIRY_COLUMNS, expiryFromRow, type CredentialColumns as Row, type ExpiryColumns } from '../rows.ts';

export async function credential(db: PgDb, channelId: string): Promise<CredentialRow | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${CREDENTIAL_COLUMNS} FROM credentials WHERE channel_id = $1`, [channelId]);
  return rows[0] && credentialFromRow(rows[0]);
}

export async function credentials(db: PgDb): Promise<CredentialRow[]> {
  const { rows } = await db.query<Row>(`SELECT ${CREDENTIAL_COLUMNS} FROM credentials ORDER BY channel_id`);
  return rows.map(credentialFromRow);
}

export async function putCredential(db: PgDb, row: NewCredentialRow, expectedVersion: number): Promise<boolean> {
  const values = [row.channelId, row.kind, row.data, row.account ?? null, row.expiresAt ?? null, row.refreshedAt ?? null, row.updatedAt];
  if (expectedVersion === 0) {
    const { rowCount } = await db.query(
      `INSERT INTO credentials (channel_id, kind, data, account, expires_at, refreshed_at, updated_at, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 1) ON CONFLICT (channel_id) DO NOTHING`,
      values,
    );
    return rowCount === 1;
  }
  const { rowCount } = await db.query(
    `UPDATE credentials SET kind = $2, data = $3, account = $4, expires_at = $5, refreshed_at = $6, updated_at = $7,
       version = version + 1, refresh_worker = NULL, refresh_until = NULL
     WHERE channel_id = $1 AND version = $8`,
    [...values, expectedVersion],
  );
  return rowCount === 1;
}

export async function claimRefresh(db: PgDb, channelId: string, version: number, workerId: string, now: number, until: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE credentials SET refresh_worker = $1, refresh_until = $2
     WHERE channel_id = $3 AND version = $4 AND (refresh_until IS NULL OR refresh_until <= $5 OR refresh_worker = $1)`,
    [workerId, until, channelId, version, now],
  );
  return rowCount === 1;
}

export async function releaseRefresh(db: PgDb, channelId: string, workerId: string): Promise<void> {
  await db.query('UPDATE credentials SET refresh_worker = NULL, refresh_until = NULL WHERE channel_id = $1 AND refresh_worker = $2', [channelId, workerId]);
}

export async function credentialExpiries(db: PgDb): Promise<CredentialExpiry[]> {
  const { rows } = await db.query<ExpiryColumns>(`SELECT ${EXPIRY_COLUMNS} FROM credentials WHERE expires_at IS NOT NULL ORDER BY channel_id`);
  return rows.map(expiryFromRow);
}
