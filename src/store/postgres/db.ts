import { createHash } from 'node:crypto';
import pg from 'pg';
import { queryError } from './errors.ts';
import type { PostgresLocation } from './url.ts';

const INT8_OID = 20;

/** Epoch-millisecond times and counts are BIGINT: read them as numbers, for this pool only. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** A connection in a transaction, or the pool itself (each statement its own transaction). */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

const names = new Map<string, string>();
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `herald_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
    names.set(sql, name);
  }
  return name;
}

/** The pool and the two ways through it: one statement, or a transaction on one connection. */
export class PgDb implements Queryable {
  readonly pool: pg.Pool;

  constructor(
    location: PostgresLocation,
    readonly where: string,
  ) {
    this.pool = new pg.Pool({
      host: location.host,
      port: location.port,
      database: location.database,
      user: location.user,
      password: location.password,
      ssl: location.ssl,
      max: location.poolSize,
      types,
      connectionTimeoutMillis: 10_000,
    });
    // An idle connection the server closed (restart, failover) is dropped; the pool opens a new one.
    this.pool.on('error', () => {});
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      // Named: each connection prepares the statement once and reuses its plan (planning costs
      // more than running most of Herald's queries). Herald's SQL texts are a fixed set.
      return await this.pool.query<R>({ name: statementName(sql), text: sql, values: params });
    } catch (err) {
      throw queryError(err, this.where);
    }
  }

  /** Runs `fn` in one transaction; a throw rolls it back. */
  async tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await this.withClient(async (client, discard) => {
        await client.query('BEGIN');
        try {
          const result = await fn(client);
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(discard);
          throw err;
        }
      });
    } catch (err) {
      throw queryError(err, this.where);
    }
  }

  /**
   * Runs `fn` on a connection of its own, released after it (discarded if broken). The pool
   * listens for a connection's errors only while it is idle: one the server drops while it is
   * held would otherwise be an uncaught 'error' event that ends the process.
   */
  async withClient<T>(fn: (client: pg.PoolClient, discard: (err: Error) => void) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const discard = (err: Error) => void (broken ??= err);
    client.on('error', discard);
    try {
      return await fn(client, discard);
    } finally {
      client.removeListener('error', discard);
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
