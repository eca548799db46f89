import { describe, expect, it } from 'vitest';
import { copyStore } from '../../src/store/copy-store.ts';
import { COPIED_TABLES } from '../../src/store/store.ts';
import { BACKENDS } from './contract/backends.ts';
import { articles, NOW, plan, worker } from './contract/fixtures.ts';

describe.each(BACKENDS)('copyStore from $name', (backend) => {
  it('copies every table into an empty store and counts the rows of each', async () => {
    const [from, to] = [await backend.open(), await backend.open()];
    await from.record(plan(articles(2, 1), ['x', 'tg'], { seen: articles(3) }));
    await from.pauseChannel('x', 'revoked', NOW);
    const counts = await copyStore(from, to, { force: false, now: NOW });
    expect(counts).toEqual(
      COPIED_TABLES.map((table) => ({ table, rows: { feeds: 1, articles: 3, deliveries: 4, attempts: 0, channels: 1 }[table as string] ?? 0 })),
    );
    expect((await to.deliveries()).map((d) => d.id)).toEqual((await from.deliveries()).map((d) => d.id));
  });

  it('refuses a store that is not empty unless forced, then replaces what it held', async () => {
    const [from, to] = [await backend.open(), await backend.open()];
    await from.record(plan(articles(1), ['x']));
    await to.record(plan(articles(7, 8), ['tg'], { feedId: 'old' }));
    await expect(copyStore(from, to, { force: false, now: NOW })).rejects.toThrow(`the store ${to.where} is not empty`);
    await copyStore(from, to, { force: true, now: NOW });
    expect((await to.deliveries()).map((d) => `${d.feedId}:${d.channelId}`)).toEqual(['astanatimes:x']);
  });

  it('refuses while a live worker holds the source, and copying a store onto itself', async () => {
    const [from, to] = [await backend.open(), await backend.open()];
    await worker(from, 'w1', ['x']);
    await expect(copyStore(from, to, { force: false, now: NOW })).rejects.toThrow('a Herald worker (pid 1000 on test-host) is using the store');
    await expect(copyStore(from, from, { force: true, now: NOW })).rejects.toThrow('is the configured store itself');
    expect(await copyStore(from, to, { force: false, now: NOW + 60_000 })).toHaveLength(COPIED_TABLES.length);
  });
});
