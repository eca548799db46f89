import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../errors.ts';
import { migrations } from './migrations.ts';

export type Db = Database.Database;

type Statement<Params, Row> = Params extends unknown[] ? Database.Statement<Params, Row> : Database.Statement<[Params], Row>;

const statements = new WeakMap<Db, Map<string, Database.Statement<unknown[]>>>();

/**
 * The store's prepared statement for `sql`, prepared on first use and kept for the life of
 * `db` (preparing costs more than running most of Herald's queries).
 */
export function statement<Params extends unknown[] | object = unknown[], Row = unknown>(db: Db, sql: string): Statement<Params, Row> {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let prepared = cache.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    cache.set(sql, prepared);
  }
  return prepared as Statement<Params, Row>;
}

/** Opens (creating if needed) the SQLite store in WAL mode and brings its schema up to date. */
export function openDb(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw new UserError(`cannot open the store ${file}: ${(err as Error).message}`, 'check the `store` path in the config and its permissions');
  }
  db.pragma('journal_mode = WAL');
  // FULL: a claim must be on disk before its request leaves, or a crash could repeat a post.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    db.close();
    throw new UserError(
      `the store ${file} was written by a newer Herald (schema ${version}, this one knows ${migrations.length})`,
      'upgrade Herald, or point `store` at another file',
    );
  }
  for (let v = version; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}
