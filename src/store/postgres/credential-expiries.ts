import type { PgDb } from './db.ts';

/** When each stored credential expires, for the console, metrics and alerts. */
export async function credentialExpiries(db: PgDb): Promise<{ channelId: string; expiresAt: number }[]> {
  const { rows } = await db.query<{ channelId: string; expiresAt: number }>(
    'SELECT channel_id AS "channelId", expires_at AS "expiresAt" FROM credentials WHERE expires_at IS NOT NULL ORDER BY channel_id',
  );
  return rows;
}
