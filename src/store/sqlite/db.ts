import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../../errors.ts';
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

export interface OpenOptions {
  /** Read-only commands: a store that does not exist is an error, not a new empty one. */
  mustExist?: boolean;
}

/** Opens (creating if needed) the SQLite store in WAL mode and brings its schema up to date. */
export function openDb(file: string, opts: OpenOptions = {}): Db {
  const memory = file === ':memory:';
  if (!memory && opts.mustExist && !fs.existsSync(file)) {
    throw new UserError(`there is no store at ${file} yet`, 'run `herald once` or `herald run` first, or check `store` in the config');
  }
  try {
    if (!memory) fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file, { fileMustExist: opts.mustExist === true && !memory });
    try {
      prepare(db, file);
    } catch (err) {
      db.close();
      throw err;
    }
    return db;
  } catch (err) {
    throw storeError(err, file);
  }
}

function prepare(db: Db, file: string): void {
  db.pragma('journal_mode = WAL');
  // FULL: a claim must be on disk before its request leaves, or a crash could repeat a post.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new UserError(
      `the store ${file} was written by a newer Herald (schema ${version}, this one knows ${migrations.length})`,
      'upgrade Herald, or point `store` at another file',
    );
  }
  // Foreign keys off while migrating: a rebuilt table is dropped and renamed under its references.
  db.pragma('foreign_keys = OFF');
  for (let v = version; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  db.pragma('foreign_keys = ON');
}

/** What an SQLite failure at open means for the operator. */
function storeError(err: unknown, file: string): Error {
  if (err instanceof UserError) return err;
  const e = err as NodeJS.ErrnoException & { code?: string };
  const code = e.code ?? '';
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return new UserError(
      `the store ${file} is damaged (${e.message})`,
      'restore it from a backup, or move it aside and let Herald start a new one (`herald store copy` can save what is still readable)',
    );
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
    return new UserError(`cannot write the store ${file} (${e.message})`, 'check the `store` path in the config and the permissions of its folder');
  }
  if (code.startsWith('SQLITE_') || code.startsWith('E')) {
    return new UserError(`cannot open the store ${file} (${e.message})`, 'check the `store` path in the config and its permissions');
  }
  return err as Error;
}
