import os from 'node:os';
import { describe, expect, it } from 'vitest';
import type { RenderedPost } from '../../src/platform.ts';
import type { SqliteStore } from '../../src/store/sqlite/store.ts';
import { article, feed } from '../helpers/articles.ts';
import { ingest, memoryStore } from '../helpers/store.ts';

const NOW = Date.UTC(2024, 4, 21);
const W = 'worker-1';
const claim = { workerId: W, now: NOW };
const post = (text: string): RenderedPost => ({
  layout: 'text',
  text,
  lengths: [{ unit: 'chars', length: text.length, limit: 280 }],
  shortened: false,
  link: 'https://astanatimes.com/x',
  title: text,
  summary: '',
  hashtags: [],
});

async function queued(channels = ['x']): Promise<SqliteStore> {
  const store = memoryStore();
  await ingest(store, feed({ backfill: 3 }), [article(3), article(2), article(1)], channels, {}, NOW);
  await store.register({ id: W, host: os.hostname(), pid: process.pid }, NOW);
  return store;
}

const next = async (store: SqliteStore, channel: string, now = NOW) => (await store.channelQueue(channel, now, 0)).next;

describe('outbox', () => {
  it('hands out deliveries oldest article first', async () => {
    const store = await queued();
    const order: string[] = [];
    for (let d = await next(store, 'x'); d; d = await next(store, 'x')) {
      order.push(d.article.id);
      const n = (await store.claim(d.id, post('t'), claim))!;
      expect(await store.settle(d.id, n, { state: 'sent', outcome: 'sent', remoteId: 'r' }, NOW)).toBe(true);
    }
    expect(order).toEqual([article(1).id, article(2).id, article(3).id]);
  });

  it('fixes the rendered post at the first claim so a retry sends the same bytes', async () => {
    const store = await queued();
    const d = (await next(store, 'x'))!;
    const n = (await store.claim(d.id, post('first render'), claim))!;
    await store.settle(d.id, n, { state: 'pending', outcome: 'retry', detail: 'HTTP 503', dueAt: NOW, countFailure: true, resend: false, code: 'http_503', httpStatus: 503 }, NOW);
    expect(await store.claim(d.id, post('second render'), { workerId: W, now: NOW + 1 })).toBe(2);
    expect((await store.delivery(d.id))!.rendered!.text).toBe('first render');
    expect((await store.delivery(d.id))!.failures).toBe(1);
    expect((await store.attempts([d.id])).get(d.id)![0]).toMatchObject({ outcome: 'retry', code: 'http_503', httpStatus: 503, workerId: W });
  });

  it('a delivery can be claimed only once, and settled only by the claim that holds it', async () => {
    const store = await queued();
    const d = (await next(store, 'x'))!;
    expect(await store.claim(d.id, post('a'), claim)).toBe(1);
    expect(await store.claim(d.id, post('a'), claim)).toBeUndefined();
    expect(await store.settle(d.id, 2, { state: 'sent', outcome: 'sent' }, NOW)).toBe(false);
    expect(await store.settle(d.id, 1, { state: 'sent', outcome: 'sent' }, NOW)).toBe(true);
    expect(await store.settle(d.id, 1, { state: 'failed', outcome: 'permanent', detail: 'late' }, NOW)).toBe(false);
    expect((await store.delivery(d.id))!.state).toBe('sent');
  });

  it('after a crash, resends what is safe to resend and holds the rest in doubt', async () => {
    const store = await queued(['mastodon', 'telegram']);
    for (const channel of ['mastodon', 'telegram']) await store.claim((await next(store, channel))!.id, post('p'), claim);
    // The worker that claimed them is gone; a new one starts.
    await store.register({ id: 'worker-2', host: 'elsewhere', pid: 1 }, NOW + 5);
    expect(await store.recoverAbandoned((c) => c === 'mastodon', NOW + 5)).toEqual({ resent: 1, inDoubt: 1 });
    const [m] = (await store.deliveries({ channelId: 'mastodon', states: ['pending'] })).filter((d) => d.attempts === 1);
    expect(m).toMatchObject({ resend: true });
    const [t] = await store.deliveries({ channelId: 'telegram', states: ['in_doubt'] });
    expect(t).toMatchObject({ lastCode: 'interrupted' });
    expect(t!.lastError).not.toMatch(/herald/);
    expect((await store.attempts([t!.id])).get(t!.id)).toMatchObject([{ n: 1, outcome: 'interrupted' }]);
  });

  it("never recovers a live worker's sends", async () => {
    const store = await queued();
    const d = (await next(store, 'x'))!;
    await store.claim(d.id, post('p'), claim);
    expect(await store.recoverAbandoned(() => true, NOW + 1000)).toEqual({ resent: 0, inDoubt: 0 });
    expect((await store.delivery(d.id))!.state).toBe('sending');
  });

  it('operator decisions move only the states they name', async () => {
    const store = await queued();
    const [a, b, c] = (await store.deliveries()).reverse();
    await store.settle(a!.id, (await store.claim(a!.id, post('a'), claim))!, { state: 'failed', outcome: 'permanent', detail: '400' }, NOW);
    expect(await store.retry(b!.id, NOW)).toMatchObject({ code: 'wrong-state', delivery: { state: 'pending' } });
    expect(await store.retry(a!.id, NOW)).toMatchObject({ code: 'done', count: 1 });
    expect(await store.delivery(a!.id)).toMatchObject({ state: 'pending', failures: 0 });
    expect(await store.skip(c!.id, NOW)).toMatchObject({ code: 'done' });
    expect((await store.delivery(c!.id))!.state).toBe('skipped');
    expect(await store.skip(c!.id, NOW)).toMatchObject({ code: 'wrong-state', delivery: { state: 'skipped' } });
    expect(await store.retry(999, NOW)).toEqual({ code: 'not-found', count: 0 });
    expect(await store.retryFailed(NOW)).toEqual({ code: 'nothing', count: 0 });
  });

  it('a skip racing a claim never rewrites a post that went out', async () => {
    const store = await queued();
    const d = (await next(store, 'x'))!;
    const n = (await store.claim(d.id, post('p'), claim))!;
    expect(await store.skip(d.id, NOW)).toMatchObject({ code: 'wrong-state', delivery: { state: 'sending' } });
    expect(await store.retry(d.id, NOW)).toMatchObject({ code: 'wrong-state' });
    expect(await store.settle(d.id, n, { state: 'sent', outcome: 'sent', remoteId: 'r1' }, NOW)).toBe(true);
    expect(await store.skip(d.id, NOW)).toMatchObject({ code: 'wrong-state', delivery: { state: 'sent' } });
    expect(await store.delivery(d.id)).toMatchObject({ state: 'sent', remoteId: 'r1' });
  });

  it('release and skip --held act on flood-held deliveries', async () => {
    const store = memoryStore();
    await ingest(store, feed(), [article(1)], ['x'], {}, NOW);
    await ingest(store, feed({ floodThreshold: 2 }), [article(5), article(4), article(3), article(1)], ['x'], {}, NOW);
    expect(await store.deliveries({ states: ['held'] })).toHaveLength(3);
    expect(await store.release('other', NOW)).toEqual({ code: 'nothing', count: 0 });
    expect(await store.release('astanatimes', NOW)).toEqual({ code: 'done', count: 3 });
    expect(await store.deliveries({ states: ['pending'] })).toHaveLength(3);
    await ingest(store, feed({ floodThreshold: 2 }), [article(9), article(8), article(7), article(5)], ['x'], {}, NOW);
    expect(await store.skipHeld(NOW)).toEqual({ code: 'done', count: 3 });
  });

  it('review: approve and reject apply only to deliveries waiting for review', async () => {
    const store = memoryStore();
    await store.record({
      feedId: 'astanatimes',
      now: NOW,
      cache: {},
      seen: [],
      deliver: [1, 2, 3].map((n) => ({ article: article(n), deliveries: [{ channelId: 'x', state: 'review' as const, priority: 0 }] })),
    });
    const [a, b, c] = (await store.deliveries()).reverse();
    expect(await store.approve(a!.id, NOW)).toMatchObject({ code: 'done' });
    expect(await store.approve(a!.id, NOW)).toMatchObject({ code: 'wrong-state', delivery: { state: 'pending' } });
    expect(await store.reject(b!.id, NOW)).toMatchObject({ code: 'done' });
    expect((await store.delivery(b!.id))!.state).toBe('skipped');
    expect(await store.approveChannel('x', NOW)).toEqual({ code: 'done', count: 1 });
    expect((await store.delivery(c!.id))!.state).toBe('pending');
  });

  it('a dry run is claimed and settled at once: sent, marked dry-run, never counted as a post', async () => {
    const store = await queued();
    const d = (await next(store, 'x'))!;
    expect(await store.recordDryRun(d.id, post('dry'), claim)).toBe(1);
    expect(await store.delivery(d.id)).toMatchObject({ state: 'sent', dryRun: true, attempts: 1, settledAt: NOW, rendered: post('dry') });
    expect((await store.attempts([d.id])).get(d.id)).toMatchObject([{ deliveryId: d.id, n: 1, startedAt: NOW, finishedAt: NOW, outcome: 'dry-run' }]);
    expect((await store.channelQueue('x', NOW, 0)).recentPosts).toEqual([]);
    expect(await store.recordDryRun(d.id, post('dry'), claim)).toBeUndefined();
    expect((await store.attempts([d.id])).get(d.id)).toHaveLength(1);
  });

  it('each store answers from its own prepared statements', async () => {
    const a = await queued(['x']);
    const b = memoryStore();
    await ingest(b, feed({ backfill: 1 }), [article(7)], ['x'], {}, NOW);
    expect((await next(a, 'x'))!.article.id).toBe(article(1).id);
    expect((await next(b, 'x'))!.article.id).toBe(article(7).id);
    await a.close();
    expect((await next(b, 'x'))!.article.id).toBe(article(7).id);
  });

  it('one worker per SQLite store: a second live worker is refused', async () => {
    const store = memoryStore();
    store.db.prepare('INSERT INTO workers (id, pid, host, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)').run('parent', process.ppid, os.hostname(), NOW, NOW);
    await expect(store.register({ id: W, host: os.hostname(), pid: process.pid }, NOW)).rejects.toThrow(/another Herald worker/);
    store.db.prepare('UPDATE workers SET pid = 2147483646').run();
    await expect(store.register({ id: W, host: os.hostname(), pid: process.pid }, NOW)).resolves.toBeUndefined();
    expect((await store.workers(NOW)).map((w) => w.id)).toEqual([W]);
  });
});
