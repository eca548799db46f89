/**
 * Several workers on one PostgreSQL store: each serves the console, API and metrics from the
 * shared data, so what one worker's page or API changes, every other worker shows at once.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/store.ts';
import { CONSOLE_TOKEN, fixtureStore, startConsole } from '../helpers/console-server.ts';
import { createTestDatabase } from '../helpers/postgres.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const bearer = { authorization: `Bearer ${CONSOLE_TOKEN}` };

/** Two workers' servers, each with its own connection pool to one database holding the fixture. */
async function twoWorkers() {
  const db = await createTestDatabase();
  cleanups.push(db.drop);
  await fixtureStore(await openPostgresStore(db.url)).then((s) => s.close());
  const servers = [await startConsole(await openPostgresStore(db.url)), await startConsole(await openPostgresStore(db.url))];
  for (const s of servers) cleanups.push(s.close);
  return servers;
}

async function view(url: string) {
  const get = (path: string) => fetch(`${url}${path}`, { headers: bearer }).then((r) => r.json());
  const [status, deliveries] = await Promise.all([get('/api/status'), get('/api/deliveries')]);
  const metrics = parsePrometheusTextFormat(await (await fetch(`${url}/metrics`)).text())
    .filter((f) => /^herald_(deliveries_total|queue_depth|channel_paused|feed_last_success)/.test(f.name))
    .map((f) => [f.name, f.metrics]);
  return { channels: status.channels, feeds: status.feeds, workers: status.workers, deliveries: deliveries.deliveries, metrics };
}

describe('workers sharing PostgreSQL', () => {
  it('serve the same view, and an action through one shows on the other', async () => {
    const [a, b] = await twoWorkers();
    const before = await view(a!.url);
    expect(before.deliveries.map((d: { id: number; state: string }) => [d.id, d.state])).toEqual([
      [5, 'pending'],
      [4, 'held'],
      [3, 'failed'],
      [2, 'review'],
      [1, 'sent'],
    ]);
    expect(await view(b!.url)).toEqual(before);

    expect((await fetch(`${a!.url}/api/deliveries/2/approve`, { method: 'POST', headers: bearer })).status).toBe(200);
    expect((await fetch(`${b!.url}/api/channels/bluesky-main/resume`, { method: 'POST', headers: bearer })).status).toBe(200);
    const after = await view(b!.url);
    expect(after.deliveries.find((d: { id: number }) => d.id === 2).state).toBe('pending');
    expect(after.channels.find((c: { id: string }) => c.id === 'bluesky-main').paused).toBeNull();
    expect(await view(a!.url)).toEqual(after);
  });
});
