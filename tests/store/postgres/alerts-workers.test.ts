/** Several workers on one PostgreSQL store check alerts at once: the outage still goes out as one message. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Condition } from '../../../src/alerts/conditions.ts';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres/store.ts';
import { createTestDatabase } from '../../helpers/postgres.ts';

const T0 = Date.UTC(2026, 11, 2, 6, 0);
const MIN = 60_000;
const paused: Condition = { key: 'channel-paused:x-main', kind: 'channel-paused', subject: 'x-main', detail: '401', since: T0 };

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function workers(n: number): Promise<PostgresStore[]> {
  const db = await createTestDatabase();
  cleanups.push(db.drop);
  const stores: PostgresStore[] = [];
  for (let i = 0; i < n; i++) {
    const store = await openPostgresStore(db.url);
    cleanups.push(() => store.close());
    stores.push(store);
  }
  return stores;
}

describe('alerts shared by workers on PostgreSQL', () => {
  it('one claim wins when every worker claims at once, and each sees what it claimed', async () => {
    const stores = await workers(4);
    await Promise.all(stores.map((s) => s.raiseAlerts([paused])));
    const claims = await Promise.all(stores.map((s) => s.claimAlertBatch(T0 + MIN, 5 * MIN)));
    expect(claims.filter((c) => c !== undefined).map((c) => c!.raised.map((a) => a.key))).toEqual([[paused.key]]);
    for (const store of stores) expect(await store.openAlerts()).toMatchObject([{ key: paused.key, notifiedAt: T0 + MIN }]);
  });
});
