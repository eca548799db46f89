import { describe, expect, it } from 'vitest';
import { article } from '../../helpers/articles.ts';
import { BACKENDS } from './backends.ts';
import { ids, NOW, plan, post, worker } from './fixtures.ts';

describe.each(BACKENDS)('plan queue on $name', (backend) => {
  it('gives the planner every pending post of the channel with its priority, queue order, due time and publication time', async () => {
    const store = await backend.open();
    const undated = article(3, { publishedAt: undefined });
    const queued = plan([article(2), article(1), undated], ['x', 'tg']);
    queued.deliver[0]!.deliveries[0]!.priority = 7;
    queued.deliver[1]!.deliveries[0]!.priority = -2;
    await store.record(queued);
    await store.record(plan([article(4)], ['x'], { state: 'review' }));
    await store.record(plan([article(5)], ['x'], { state: 'held' }));
    const [first, second, third] = await ids(store, 'x');
    const w = await worker(store, 'w1', ['x']);
    const n = (await store.claim(third!, post('sent'), { workerId: w, now: NOW }))!;
    await store.settle(third!, n, { state: 'sent', outcome: 'sent' }, NOW);

    const entries = (await store.plannerEntries('x')).sort((a, b) => a.id - b.id);
    expect(entries).toEqual([
      { id: first, priority: 7, orderAt: Date.parse(article(2).publishedAt!), dueAt: NOW, publishedAt: Date.parse(article(2).publishedAt!) },
      { id: second, priority: -2, orderAt: Date.parse(article(1).publishedAt!), dueAt: NOW, publishedAt: Date.parse(article(1).publishedAt!) },
    ]);
    const [undatedEntry] = (await store.plannerEntries('tg')).filter((e) => e.publishedAt === undefined);
    expect(undatedEntry).toMatchObject({ priority: 0, orderAt: NOW, dueAt: NOW });
    expect(await store.pendingDelivery(first!)).toMatchObject({ id: first, state: 'pending', priority: 7, article: { link: article(2).link } });
    expect(await store.pendingDelivery(third!)).toBeUndefined();
  });

  it('expires a pending post once, with an attempt of outcome expired, and nothing that is not pending', async () => {
    const store = await backend.open();
    await store.record(plan([article(2), article(1)], ['x']));
    const [old, sending] = await ids(store, 'x');
    const w = await worker(store, 'w1', ['x']);
    await store.claim(sending!, post('in flight'), { workerId: w, now: NOW });

    expect(await store.expire(old!, 'older than 12 h', NOW + 5)).toBe(true);
    expect(await store.expire(old!, 'again', NOW + 6)).toBe(false);
    expect(await store.expire(sending!, 'in flight', NOW + 7)).toBe(false);
    expect(await store.delivery(old!)).toMatchObject({ state: 'expired', attempts: 1, settledAt: NOW + 5, lastError: 'older than 12 h', lastCode: 'expired' });
    expect((await store.attempts([old!])).get(old!)).toEqual([
      { deliveryId: old, n: 1, startedAt: NOW + 5, finishedAt: NOW + 5, outcome: 'expired', code: 'expired', httpStatus: undefined, detail: 'older than 12 h', workerId: undefined },
    ]);
    expect(await store.delivery(sending!)).toMatchObject({ state: 'sending' });
    expect(await store.plannerEntries('x')).toEqual([]);
    expect(await store.countByState()).toMatchObject({ expired: 1, sending: 1 });
  });
});
