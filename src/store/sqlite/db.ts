import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { OperationalError } from '../../errors.ts';
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

/**
 * Runs `fn` in one transaction whose commit does not wait for the disk (synchronous=NORMAL):
 * for feed poll bookkeeping, which would otherwise pay a disk flush per feed. A crashed process
 * loses none of it (the WAL holds every commit); a power cut may lose the newest such commits,
 * each whole, a feed's HTTP state with its articles, so the next poll finds them again. None of
 * it can be sent before it is on disk: a send is claimed at FULL, whose flush takes every
 * earlier commit in the log with it.
 */
export function unsyncedTransaction<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) return fn();
  statement(db, 'PRAGMA synchronous = NORMAL').run();
  try {
    return db.transaction(fn)();
  } finally {
    statement(db, 'PRAGMA synchronous = FULL').run();
  }
}

export interface OpenOptions {
  /** Read-only commands: a store that does not exist is an error, not a new empty one. */
  mustExist?: boolean;
}

/** Opens (creating if needed) the SQLite store in WAL mode and brings its schema up to date. */
export function openDb(file: string, opts: OpenOptions = {}): Db {
  const memory = file === ':memory:';
  if (!memory && opts.mustExist && !fs.existsSync(file)) {
    throw new OperationalError(`there is no store at ${file} yet`, 'run `herald once` or `herald run` first, or check `store` in the config');
  }
  // Failures here (permissions, a damaged file) are worded for the operator by the CLI's one handler.
  if (!memory) makeFolder(path.dirname(file));
  const db = new Database(file, { fileMustExist: opts.mustExist === true && !memory });
  try {
    prepare(db, file);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** `mkdir -p`, a level at a time: Node's recursive mkdir never returns for a path under /proc. */
function makeFolder(dir: string): void {
  const parent = path.dirname(dir);
  if (parent !== dir && !fs.existsSync(parent)) makeFolder(parent);
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    // Already there (or made by another process meanwhile); a file in the way is still an error.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(dir).isDirectory()) throw err;
  }
}

function prepare(db: Db, file: string): void {
  db.pragma('journal_mode = WAL');
  // FULL: a claim must be on disk before its request leaves, or a crash could repeat a post.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new OperationalError(
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
