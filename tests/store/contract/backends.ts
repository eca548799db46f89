import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach } from 'vitest';
import { openPostgresStore } from '../../../src/store/postgres/store.ts';
import { SqliteStore } from '../../../src/store/sqlite/store.ts';
import type { Store } from '../../../src/store/store.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.ts';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A new, empty store; closed after the test. */
  open(): Promise<Store>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * PostgreSQL: the databases of this test file, created on first use and dropped after it. The
 * n-th store a test opens is the n-th database, emptied (creating a database per test costs ~1 s).
 */
const databases: TestDatabase[] = [];
let openedInTest = 0;
afterEach(() => {
  openedInTest = 0;
});
afterAll(async () => {
  for (const db of databases.splice(0)) await db.drop();
});

async function emptied(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // DELETE, children first: on tables this small it is far cheaper than TRUNCATE.
    await client.query(['attempts', 'deliveries', 'articles', 'feeds', 'channels', 'channel_leases', 'workers', 'credentials', 'alerts', 'page_images'].map((t) => `DELETE FROM ${t};`).join(''));
  } finally {
    await client.end();
  }
}

const postgres: Backend = {
  name: 'postgres',
  async open() {
    const n = openedInTest++;
    const fresh = !databases[n];
    if (fresh) databases[n] = await createTestDatabase();
    const store = await openPostgresStore(databases[n]!.url);
    if (!fresh) await emptied(databases[n]!.url);
    cleanups.push(() => store.close());
    return store;
  },
};

const sqlite: Backend = {
  name: 'sqlite',
  async open() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-contract-'));
    const store = SqliteStore.open(path.join(dir, 'herald.db'));
    cleanups.push(async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    return store;
  },
};

/** Every backend the contract runs on. */
export const BACKENDS: Backend[] = [sqlite, postgres];
