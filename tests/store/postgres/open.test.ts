import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isStoreUnavailable, StoreUnavailableError } from '../../../src/store/postgres/errors.ts';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres/store.ts';
import { adminQuery, createTestDatabase, PG_ADMIN_URL, type TestDatabase } from '../../helpers/postgres.ts';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.ts';
import { REFUSED_PORT } from '../../helpers/http-fake.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(owner?: string): Promise<TestDatabase> {
  const db = await createTestDatabase({ owner });
  cleanups.push(db.drop);
  return db;
}

function urlFor(db: TestDatabase, change: (url: URL) => void): string {
  const url = new URL(db.url);
  change(url);
  return url.toString();
}

async function opened(url: string): Promise<PostgresStore> {
  const store = await openPostgresStore(url);
  cleanups.push(() => store.close());
  return store;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

/** Calls `fn` until it succeeds, retrying only "store unavailable"; returns how many calls failed. */
async function retryingWhileUnavailable(fn: () => Promise<unknown>, tries: number): Promise<number> {
  for (let failed = 0; ; failed++) {
    try {
      await fn();
      return failed;
    } catch (err) {
      if (!isStoreUnavailable(err) || failed + 1 >= tries) throw err;
    }
  }
}

describe('opening the PostgreSQL store', () => {
  it('several workers starting at once migrate the schema once', async () => {
    const db = await database();
    const stores = await Promise.all([1, 2, 3, 4].map(() => opened(db.url)));
    await Promise.all(stores.map((s) => s.ping()));
    const versions = await (stores[0] as unknown as { db: { query(sql: string): Promise<{ rows: unknown[] }> } }).db.query('SELECT version FROM schema_version');
    expect(versions.rows).toEqual([{ version: 1 }]);
    const again = await opened(db.url);
    expect(again.where).toBe(`127.0.0.1:5432/${db.name}`);
    expect(await again.isEmpty()).toBe(true);
  });

  it('an unreachable server: one line naming host and database, never the password', async () => {
    const port = REFUSED_PORT;
    const err = await failure(openPostgresStore(`postgres://herald:hunter2secret@127.0.0.1:${port}/news`));
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err.message).toBe(`the PostgreSQL store 127.0.0.1:${port}/news is unavailable: connection refused (is PostgreSQL running there?)`);
    expect(`${err.message} ${(err as StoreUnavailableError).hint}`).not.toContain('hunter2secret');
  });

  it('no such database', async () => {
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/herald_missing_${randomBytes(4).toString('hex')}`;
    url.password = 'hunter2secret';
    const err = await failure(openPostgresStore(url.toString()));
    expect(err.message).toBe(`the PostgreSQL store 127.0.0.1:5432${url.pathname}: no such database`);
  });

  it('a user without the rights to create the schema', async () => {
    const role = `herald_reader_${randomBytes(4).toString('hex')}`;
    await adminQuery(`CREATE ROLE ${role} LOGIN`);
    cleanups.push(() => adminQuery(`DROP ROLE IF EXISTS ${role}`));
    const db = await database();
    const err = await failure(openPostgresStore(urlFor(db, (u) => ((u.username = role), (u.password = 'hunter2secret')))));
    expect(err.message).toMatch(new RegExp(`^the PostgreSQL store 127.0.0.1:5432/${db.name}: user ${role} lacks the rights Herald needs \\(permission denied for schema public\\)$`));
    expect(err.message).not.toContain('hunter2secret');
  });
});

describe('a running PostgreSQL store when the connection drops', () => {
  async function throughProxy(): Promise<{ store: PostgresStore; proxy: TcpProxy }> {
    const db = await database();
    await (await openPostgresStore(db.url)).close();
    const proxy = await startTcpProxy(5432);
    cleanups.push(() => proxy.close());
    const store = await opened(urlFor(db, (u) => (u.port = String(proxy.port))));
    await store.ping();
    return { store, proxy };
  }

  it('a query cut mid-flight fails as "store unavailable"; the next one reconnects', async () => {
    const { store, proxy } = await throughProxy();
    const slow = store.feedStates().then(() => store.ping());
    const long = failure((store as unknown as { db: { query(sql: string): Promise<unknown> } }).db.query('SELECT pg_sleep(30)'));
    while (proxy.open < 2) await new Promise((r) => setTimeout(r, 10));
    await slow;
    proxy.cut();
    const err = await long;
    expect(isStoreUnavailable(err)).toBe(true);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    // A pooled connection cut at the same moment may fail once more before the pool drops it.
    expect(await retryingWhileUnavailable(() => store.ping(), 3)).toBeLessThanOrEqual(2);
  });

  it('while the server refuses connections every call fails as "store unavailable", then works again', async () => {
    const { store, proxy } = await throughProxy();
    await proxy.refuse();
    proxy.cut();
    const err = await failure(store.feedStates());
    expect(isStoreUnavailable(err)).toBe(true);
    expect(err.message).toMatch(/^the PostgreSQL store 127\.0\.0\.1:\d+\/herald_test_\w+ is unavailable: /);
    expect(isStoreUnavailable(await failure(store.claimFeeds('w1', ['a'], 0, { dueOnly: true, limit: 1 })))).toBe(true);
    await proxy.accept();
    expect(await store.feedStates()).toEqual([]);
  });
});
