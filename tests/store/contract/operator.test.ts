import { describe, expect, it } from 'vitest';
import type { DeliveryState } from '../../../src/delivery/types.ts';
import { article } from '../../helpers/articles.ts';
import { BACKENDS } from './backends.ts';
import { articles, ids, NOW, plan, post, worker } from './fixtures.ts';

describe.each(BACKENDS)('operator actions on $name', (backend) => {
  async function queued(channels = ['x'], state: 'pending' | 'held' | 'review' = 'pending') {
    const store = await backend.open();
    await store.record(plan(articles(3, 2, 1), channels, { state }));
    const w = await worker(store, 'w1', channels);
    return { store, w };
  }

  it('retry and skip move only the states they name, and say what they found', async () => {
    const { store, w } = await queued();
    const [a, b, c] = await ids(store, 'x');
    await store.settle(a!, (await store.claim(a!, post('a'), { workerId: w, now: NOW }))!, { state: 'failed', outcome: 'permanent', detail: '400' }, NOW);
    const title = (n: number) => article(n).title;
    expect(await store.retry(b!, NOW)).toEqual({ code: 'wrong-state', count: 0, delivery: { id: b, channelId: 'x', title: title(2), state: 'pending' } });
    expect(await store.retry(a!, NOW + 5)).toEqual({ code: 'done', count: 1, delivery: { id: a, channelId: 'x', title: title(3), state: 'pending' } });
    expect(await store.delivery(a!)).toMatchObject({ state: 'pending', failures: 0, dueAt: NOW + 5, settledAt: undefined, resend: false });
    expect(await store.skip(c!, NOW)).toMatchObject({ code: 'done', count: 1, delivery: { state: 'skipped' } });
    expect(await store.skip(c!, NOW)).toMatchObject({ code: 'wrong-state', delivery: { state: 'skipped' } });
    expect(await store.retry(999, NOW)).toEqual({ code: 'not-found', count: 0 });
    expect(await store.skip(999, NOW)).toEqual({ code: 'not-found', count: 0 });
    expect(await store.retryFailed(NOW)).toEqual({ code: 'nothing', count: 0 });
  });

  it('retrying an in-doubt delivery sends it again as a resend; retryFailed takes every failed one', async () => {
    const { store, w } = await queued();
    const [a, b, c] = await ids(store, 'x');
    for (const [id, state] of [[a, 'in_doubt'], [b, 'failed'], [c, 'failed']] as const) {
      await store.settle(id!, (await store.claim(id!, post('p'), { workerId: w, now: NOW }))!, { state, outcome: 'permanent', detail: 'x' }, NOW);
    }
    expect(await store.retry(a!, NOW)).toMatchObject({ code: 'done' });
    expect(await store.delivery(a!)).toMatchObject({ state: 'pending', resend: true });
    expect(await store.retryFailed(NOW + 1)).toEqual({ code: 'done', count: 2 });
    expect((await store.deliveries({ states: ['pending'] })).map((d) => d.dueAt).sort()).toEqual([NOW, NOW + 1, NOW + 1]);
  });

  it('a skip or retry racing a claim never rewrites a delivery that went out', async () => {
    const store = await backend.open();
    await store.record(plan(articles(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), ['x']));
    const w = await worker(store, 'w1', ['x']);
    for (const id of await ids(store, 'x')) {
      const [skipped, claimed] = await Promise.all([store.skip(id, NOW), store.claim(id, post('p'), { workerId: w, now: NOW })]);
      if (claimed === undefined) {
        expect(skipped.code).toBe('done');
        expect((await store.delivery(id))!.state).toBe('skipped');
        continue;
      }
      expect(skipped).toMatchObject({ code: 'wrong-state', delivery: { state: 'sending' } });
      const [retried, skippedAgain, settled] = await Promise.all([
        store.retry(id, NOW),
        store.skip(id, NOW),
        store.settle(id, claimed, { state: 'sent', outcome: 'sent', remoteId: 'r' }, NOW),
      ]);
      expect(settled).toBe(true);
      expect([retried.code, skippedAgain.code]).toEqual(['wrong-state', 'wrong-state']);
      expect(await store.delivery(id)).toMatchObject({ state: 'sent', remoteId: 'r' });
    }
  });

  it('a sending delivery cannot be skipped and a sent one can be neither skipped nor retried', async () => {
    const { store, w } = await queued();
    const [id] = await ids(store, 'x');
    const n = (await store.claim(id!, post('p'), { workerId: w, now: NOW }))!;
    expect(await store.skip(id!, NOW)).toMatchObject({ code: 'wrong-state', delivery: { state: 'sending' } });
    await store.settle(id!, n, { state: 'sent', outcome: 'sent' }, NOW);
    expect(await store.skip(id!, NOW)).toMatchObject({ code: 'wrong-state', delivery: { state: 'sent' } });
    expect(await store.retry(id!, NOW)).toMatchObject({ code: 'wrong-state', delivery: { state: 'sent' } });
  });

  it('release and skipHeld act on flood-held deliveries only, release on its own feed only', async () => {
    const { store } = await queued(['x'], 'held');
    await store.record(plan(articles(9), ['x'], { feedId: 'other' }));
    expect(await store.release('nothing-held', NOW)).toEqual({ code: 'nothing', count: 0 });
    expect(await store.release('astanatimes', NOW + 7)).toEqual({ code: 'done', count: 3 });
    expect((await store.deliveries({ states: ['pending'] })).filter((d) => d.dueAt === NOW + 7)).toHaveLength(3);
    await store.record(plan(articles(8, 7), ['x'], { state: 'held', feedId: 'third' }));
    expect(await store.skipHeld(NOW)).toEqual({ code: 'done', count: 2 });
    expect(await store.skipHeld(NOW)).toEqual({ code: 'nothing', count: 0 });
  });

  it('approve and reject act on deliveries waiting for review, approveChannel on one channel', async () => {
    const { store } = await queued(['x', 'tg'], 'review');
    const [a, b] = await ids(store, 'x');
    expect(await store.approve(a!, NOW + 3)).toMatchObject({ code: 'done', count: 1, delivery: { id: a, state: 'pending' } });
    expect(await store.delivery(a!)).toMatchObject({ state: 'pending', dueAt: NOW + 3 });
    expect(await store.approve(a!, NOW)).toMatchObject({ code: 'wrong-state', delivery: { state: 'pending' } });
    expect(await store.reject(b!, NOW)).toMatchObject({ code: 'done', delivery: { state: 'skipped' } });
    expect(await store.reject(b!, NOW)).toMatchObject({ code: 'wrong-state' });
    expect(await store.approve(12345, NOW)).toEqual({ code: 'not-found', count: 0 });
    expect(await store.approveChannel('tg', NOW)).toEqual({ code: 'done', count: 3 });
    expect(await store.approveChannel('tg', NOW)).toEqual({ code: 'nothing', count: 0 });
    const states = Object.fromEntries(Object.entries(await store.countByState()).filter(([, n]) => n > 0)) as Partial<Record<DeliveryState, number>>;
    expect(states).toEqual({ pending: 4, review: 1, skipped: 1 });
  });
});
