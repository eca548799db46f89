import path from 'node:path';
import { UserError } from '../errors.ts';
import { isPostgresUrl, unsupportedStoreScheme } from '../config/store-url.ts';
import type { Store } from './store.ts';

export interface StoreOptions {
  /** Read-only commands: no new store is created where none exists. */
  mustExist?: boolean;
}

/** Opens the configured store; PostgreSQL's client is loaded only when the config names it. */
export async function openStore(location: string, opts: StoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(location)) {
    throw new UserError('PostgreSQL stores are not available in this build', 'use a SQLite file path for `store`');
  }
  const unsupported = unsupportedStoreScheme(location);
  if (unsupported) throw new UserError(unsupported, 'set `store` to a SQLite file path or a postgres:// URL');
  const { SqliteStore } = await import('./sqlite/store.ts');
  return SqliteStore.open(location === ':memory:' ? location : path.resolve(location), opts);
}
