import { describe, expect, it } from 'vitest';
import { COPIED_TABLES, type Row, type Store } from '../../../src/store/store.ts';
import { BACKENDS } from './backends.ts';
import { articles, ids, NOW, plan, post, worker } from './fixtures.ts';

async function everyRow(store: Store): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const table of COPIED_TABLES) out[table] = await store.readRows(table, 0, 1_000_000);
  return out;
}

async function copyAll(from: Store, to: Store, pageSize: number): Promise<void> {
  for (const table of COPIED_TABLES) {
    for (let offset = 0; ; offset += pageSize) {
      const rows = await from.readRows(table, offset, pageSize);
      if (rows.length === 0) break;
      await to.writeRows(table, rows);
    }
  }
}

describe.each(BACKENDS.flatMap((from) => BACKENDS.map((to) => ({ from, to, name: `${from.name} → ${to.name}` }))))('table copy $name', ({ from, to }) => {
  it('copies every row verbatim, page by page; ids continue after the copied ones', async () => {
    const source = await from.open();
    await source.record(plan(articles(3, 2, 1), ['x', 'tg'], { seen: articles(9), etag: '"e"' }));
    await source.recordFailure('other', 'HTTP 500', NOW, NOW + 1);
    const w = await worker(source, 'w1', ['x', 'tg']);
    const [x1] = await ids(source, 'x');
    await source.settle(x1!, (await source.claim(x1!, post('a'), { workerId: w, now: NOW }))!, { state: 'sent', outcome: 'sent', remoteId: 'r', httpStatus: 200 }, NOW);
    await source.pauseChannel('tg', 'token revoked', NOW);
    await source.blockChannel('x', NOW + 5, 'rate-limited', '429');
    const target = await to.open();
    expect(await target.isEmpty()).toBe(true);
    expect(await source.isEmpty()).toBe(false);

    await copyAll(source, target, 2);
    expect(await everyRow(target)).toEqual(await everyRow(source));
    expect(await target.delivery(x1!)).toEqual(await source.delivery(x1!));
    expect(await target.channelQueue('x', NOW, 0)).toEqual(await source.channelQueue('x', NOW, 0));

    await target.record(plan(articles(4), ['x']));
    const newest = (await target.deliveries({ channelId: 'x', limit: 1 }))[0]!;
    expect(newest.id).toBeGreaterThan(Math.max(...(await source.deliveries()).map((d) => d.id)));
    expect(newest.articlePk).toBeGreaterThan(4);

    await target.clear();
    expect(await target.isEmpty()).toBe(true);
  });
});
