/**
 * A connection the server drops while Herald holds it (inside a transaction, between two
 * statements) is an error of that transaction, not of the process: found when a worker
 * ended with "Connection terminated unexpectedly" during a PostgreSQL restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgDb } from '../../../src/store/postgres/db.ts';
import { StoreUnavailableError } from '../../../src/store/postgres/errors.ts';
import { parsePostgresUrl } from '../../../src/store/postgres/url.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.ts';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.ts';

let db: TestDatabase;
let proxy: TcpProxy;
let pgDb: PgDb;

beforeAll(async () => {
  db = await createTestDatabase();
  proxy = await startTcpProxy(5432);
  const url = new URL(db.url);
  url.port = String(proxy.port);
  const location = parsePostgresUrl(url.toString());
  pgDb = new PgDb(location, location.where);
});

afterAll(async () => {
  await pgDb.close();
  await proxy.close();
  await db.drop();
});

describe('a PostgreSQL connection dropped while held', () => {
  it('fails the transaction as "store unavailable", and the next one runs on a new connection', async () => {
    const cutInside = pgDb.tx(async (client) => {
      await client.query('SELECT 1');
      proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await client.query('SELECT 2');
    });
    await expect(cutInside).rejects.toBeInstanceOf(StoreUnavailableError);
    const { rows } = await pgDb.tx((client) => client.query<{ n: number }>('SELECT 3 AS n'));
    expect(rows).toEqual([{ n: 3 }]);
  });

  it('the same with no statement after the cut: the commit fails, nothing is thrown outside', async () => {
    const cutBeforeCommit = pgDb.tx(async (client) => {
      await client.query('SELECT 1');
      proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 200));
    });
    await expect(cutBeforeCommit).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await pgDb.query<{ n: number }>('SELECT 4 AS n')).rows).toEqual([{ n: 4 }]);
  });
});
