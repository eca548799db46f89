import { describe, expect, it } from 'vitest';
import { BACKENDS } from './backends.ts';
import { articles, ids, NOW, plan, post, worker } from './fixtures.ts';

describe.each(BACKENDS)('outbox on $name', (backend) => {
  async function queued(channels = ['x']) {
    const store = await backend.open();
    await store.record(plan(articles(3, 2, 1), channels));
    const w = await worker(store, 'w1', channels);
    return { store, w };
  }

  it('hands out deliveries oldest article first, then reports the queue empty', async () => {
    const { store, w } = await queued();
    const order: string[] = [];
    for (let q = await store.channelQueue('x', NOW, 0); q.next; q = await store.channelQueue('x', NOW, 0)) {
      order.push(q.next.article.id);
      const n = (await store.claim(q.next.id, post('t'), { workerId: w, now: NOW }))!;
      expect(await store.settle(q.next.id, n, { state: 'sent', outcome: 'sent', remoteId: 'r' }, NOW)).toBe(true);
    }
    expect(order).toEqual(articles(1, 2, 3).map((a) => a.id));
    expect(await store.channelQueue('x', NOW, 0)).toMatchObject({ next: undefined, pending: 0, earliestDueAt: undefined, lastAttemptAt: NOW });
  });

  it('the queue reports what spacing and quotas need: last attempt, recent posts newest first, earliest due, pending', async () => {
    const { store, w } = await queued();
    const [a, b, c] = await ids(store, 'x');
    const n1 = (await store.claim(a!, post('a'), { workerId: w, now: NOW + 1 }))!;
    await store.settle(a!, n1, { state: 'sent', outcome: 'sent' }, NOW + 2);
    const n2 = (await store.claim(b!, post('b'), { workerId: w, now: NOW + 10 }))!;
    await store.settle(b!, n2, { state: 'failed', outcome: 'permanent', detail: 'HTTP 400', code: 'http_400', httpStatus: 400 }, NOW + 11);
    const n3 = (await store.claim(c!, post('c'), { workerId: w, now: NOW + 20 }))!;
    await store.settle(c!, n3, { state: 'pending', outcome: 'retry', detail: 'HTTP 503', dueAt: NOW + 500, countFailure: true, resend: false }, NOW + 21);
    expect(await store.channelQueue('x', NOW + 100, 0)).toEqual({
      state: { id: 'x', pausedReason: undefined, pausedAt: undefined, blockedUntil: undefined, blockedCode: undefined, blockedReason: undefined },
      lastAttemptAt: NOW + 20,
      recentPosts: [NOW + 1],
      next: undefined,
      earliestDueAt: NOW + 500,
      pending: 1,
    });
    expect((await store.channelQueue('x', NOW + 100, NOW + 1)).recentPosts).toEqual([]);
    expect((await store.channelQueue('x', NOW + 500, 0)).next).toMatchObject({ id: c, failures: 1, lastError: 'HTTP 503', attempts: 1 });
  });

  it('fixes the rendered post at the first claim so a retry sends the same bytes', async () => {
    const { store, w } = await queued();
    const [id] = await ids(store, 'x');
    const n = (await store.claim(id!, post('first render'), { workerId: w, now: NOW }))!;
    await store.settle(id!, n, { state: 'pending', outcome: 'retry', detail: 'HTTP 503', dueAt: NOW, countFailure: true, resend: false }, NOW);
    expect(await store.claim(id!, post('second render'), { workerId: w, now: NOW + 1 })).toBe(2);
    expect(await store.delivery(id!)).toMatchObject({ rendered: post('first render'), failures: 1, attempts: 2, state: 'sending', claimedBy: w });
  });

  it('a delivery can be claimed only once, also by two claims at the same moment', async () => {
    const { store, w } = await queued();
    const [id] = await ids(store, 'x');
    const claims = await Promise.all([1, 2, 3, 4].map(() => store.claim(id!, post('a'), { workerId: w, now: NOW })));
    expect(claims.filter((n) => n !== undefined)).toEqual([1]);
    expect((await store.attempts([id!])).get(id!)).toHaveLength(1);
  });

  it('settle on a delivery no longer sending (or on an older attempt) writes nothing and returns false', async () => {
    const { store, w } = await queued();
    const [id] = await ids(store, 'x');
    expect(await store.settle(id!, 1, { state: 'sent', outcome: 'sent' }, NOW)).toBe(false);
    const n = (await store.claim(id!, post('a'), { workerId: w, now: NOW }))!;
    expect(await store.settle(id!, n + 1, { state: 'sent', outcome: 'sent' }, NOW)).toBe(false);
    expect(await store.settle(id!, n, { state: 'sent', outcome: 'sent', remoteId: 'r1', remoteUrl: 'https://x.com/r1' }, NOW + 5)).toBe(true);
    expect(await store.settle(id!, n, { state: 'failed', outcome: 'permanent', detail: 'late' }, NOW + 6)).toBe(false);
    expect(await store.delivery(id!)).toMatchObject({ state: 'sent', remoteId: 'r1', remoteUrl: 'https://x.com/r1', settledAt: NOW + 5, lastError: undefined });
    expect((await store.attempts([id!])).get(id!)).toEqual([
      { deliveryId: id, n: 1, startedAt: NOW, finishedAt: NOW + 5, outcome: 'sent', code: undefined, httpStatus: undefined, detail: undefined, workerId: w },
    ]);
  });

  it('an attempt keeps its outcome code and HTTP status beside the platform words', async () => {
    const { store, w } = await queued();
    const [id] = await ids(store, 'x');
    const n = (await store.claim(id!, post('a'), { workerId: w, now: NOW }))!;
    await store.settle(id!, n, { state: 'in_doubt', outcome: 'in-doubt', detail: 'no answer in 30 s', code: 'timeout' }, NOW + 30_000);
    expect(await store.delivery(id!)).toMatchObject({ state: 'in_doubt', lastError: 'no answer in 30 s', lastCode: 'timeout', settledAt: NOW + 30_000 });
    expect((await store.attempts([id!])).get(id!)).toMatchObject([{ outcome: 'in-doubt', code: 'timeout', detail: 'no answer in 30 s' }]);
  });

  it('a dry run is claimed and settled at once: sent, marked dry-run, never counted as a post', async () => {
    const { store, w } = await queued();
    const [id] = await ids(store, 'x');
    expect(await store.recordDryRun(id!, post('dry'), { workerId: w, now: NOW })).toBe(1);
    expect(await store.delivery(id!)).toMatchObject({ state: 'sent', dryRun: true, attempts: 1, settledAt: NOW, rendered: post('dry') });
    expect((await store.attempts([id!])).get(id!)).toMatchObject([{ n: 1, startedAt: NOW, finishedAt: NOW, outcome: 'dry-run' }]);
    expect(await store.channelQueue('x', NOW, 0)).toMatchObject({ recentPosts: [], lastAttemptAt: undefined });
    expect(await store.recordDryRun(id!, post('dry'), { workerId: w, now: NOW })).toBeUndefined();
  });

  it('an unrenderable delivery fails without an attempt, only from pending', async () => {
    const { store } = await queued();
    const [id] = await ids(store, 'x');
    expect(await store.failUnrenderable(id!, 'the link alone is over the limit', NOW)).toBe(true);
    expect(await store.failUnrenderable(id!, 'again', NOW)).toBe(false);
    expect(await store.delivery(id!)).toMatchObject({ state: 'failed', lastError: 'the link alone is over the limit', attempts: 0 });
  });

  it('a channel is paused once (the reason reported once) and its block only ever extends', async () => {
    const { store } = await queued();
    expect(await store.pauseChannel('x', 'token revoked', NOW)).toBe(true);
    expect(await store.pauseChannel('x', 'again', NOW + 1)).toBe(false);
    await store.blockChannel('x', NOW + 60_000, 'rate-limited', 'HTTP 429');
    await store.blockChannel('x', NOW + 30_000, 'unavailable');
    expect((await store.channelQueue('x', NOW, 0)).state).toEqual({
      id: 'x',
      pausedReason: 'token revoked',
      pausedAt: NOW,
      blockedUntil: NOW + 60_000,
      blockedCode: 'rate-limited',
      blockedReason: 'HTTP 429',
    });
    expect(await store.resume('x')).toMatchObject({ code: 'done' });
    expect(await store.resume('x')).toMatchObject({ code: 'nothing' });
    expect(await store.channelStates()).toMatchObject([{ id: 'x', pausedReason: undefined, blockedUntil: NOW + 60_000 }]);
  });
});
