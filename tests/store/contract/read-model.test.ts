import { describe, expect, it } from 'vitest';
import { BACKENDS } from './backends.ts';
import { articles, ids, NOW, plan, post, worker } from './fixtures.ts';

describe.each(BACKENDS)('read model on $name', (backend) => {
  it('lists deliveries newest first, by state and channel, with their attempts and counts', async () => {
    const store = await backend.open();
    await store.record(plan(articles(3, 2, 1), ['x', 'tg']));
    const w = await worker(store, 'w1', ['x', 'tg']);
    const [x1, x2] = await ids(store, 'x');
    const [tg1] = await ids(store, 'tg');
    await store.settle(x1!, (await store.claim(x1!, post('a'), { workerId: w, now: NOW }))!, { state: 'sent', outcome: 'sent' }, NOW);
    const n = (await store.claim(x2!, post('b'), { workerId: w, now: NOW }))!;
    await store.settle(x2!, n, { state: 'pending', outcome: 'rate-limited', detail: '429', dueAt: NOW, countFailure: false, resend: false, httpStatus: 429 }, NOW);
    await store.settle(x2!, (await store.claim(x2!, post('b'), { workerId: w, now: NOW + 1 }))!, { state: 'failed', outcome: 'permanent', detail: '400' }, NOW + 1);
    await store.recordDryRun(tg1!, post('c'), { workerId: w, now: NOW });

    const all = await store.deliveries();
    expect(all.map((d) => d.id)).toEqual([...all.map((d) => d.id)].sort((a, b) => b - a));
    expect(all).toHaveLength(6);
    expect((await store.deliveries({ states: ['sent', 'failed'], channelId: 'x' })).map((d) => d.id)).toEqual([x2, x1]);
    expect(await store.deliveries({ limit: 2 })).toHaveLength(2);
    expect(await store.delivery(12345)).toBeUndefined();

    const attempts = await store.attempts([x2!, tg1!, 12345]);
    expect(attempts.get(x2!)!.map((a) => [a.n, a.outcome, a.httpStatus])).toEqual([
      [1, 'rate-limited', 429],
      [2, 'permanent', undefined],
    ]);
    expect(attempts.get(tg1!)!.map((a) => a.outcome)).toEqual(['dry-run']);
    expect(await store.countByState()).toEqual({ held: 0, review: 0, pending: 3, sending: 0, sent: 2, failed: 1, in_doubt: 0, skipped: 0, expired: 0 });
    expect(await store.queueDepths()).toEqual([
      { channelId: 'tg', state: 'pending', count: 2 },
      { channelId: 'tg', state: 'sent', count: 1 },
      { channelId: 'x', state: 'failed', count: 1 },
      { channelId: 'x', state: 'pending', count: 1 },
      { channelId: 'x', state: 'sent', count: 1 },
    ]);
    expect(await store.attemptCounts()).toEqual([
      { channelId: 'tg', outcome: 'dry-run', count: 1 },
      { channelId: 'x', outcome: 'permanent', count: 1 },
      { channelId: 'x', outcome: 'rate-limited', count: 1 },
      { channelId: 'x', outcome: 'sent', count: 1 },
    ]);
  });
});
