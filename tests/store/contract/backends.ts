import { afterEach } from 'vitest';
import { openPostgresStore } from '../../../src/store/postgres/store.ts';
import type { Store } from '../../../src/store/store.ts';
import { createTestDatabase } from '../../helpers/postgres.ts';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A new, empty store; closed (and its database dropped) after the test. */
  open(): Promise<Store>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const postgres: Backend = {
  name: 'postgres',
  async open() {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    const store = await openPostgresStore(db.url);
    cleanups.push(() => store.close());
    return store;
  },
};

/** Every backend the contract runs on. SQLite joins once src/store/sqlite/store.ts lands on main. */
export const BACKENDS: Backend[] = [postgres];
