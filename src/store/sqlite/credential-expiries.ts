import type { CredentialExpiries } from '../../http/console-store.ts';
import { statement, type Db } from './db.ts';

/** When each stored credential expires, for the console, metrics and alerts. */
export class SqliteCredentialExpiries implements CredentialExpiries {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async credentialExpiries(): Promise<{ channelId: string; expiresAt: number }[]> {
    return statement<[], { channelId: string; expiresAt: number }>(
      this.#db,
      'SELECT channel_id AS channelId, expires_at AS expiresAt FROM credentials WHERE expires_at IS NOT NULL ORDER BY channel_id',
    ).all();
  }
}
