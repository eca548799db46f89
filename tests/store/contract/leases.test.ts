import { describe, expect, it } from 'vitest';
import { LEASE_MS } from '../../../src/scheduler/leases.ts';
import { BACKENDS } from './backends.ts';
import { articles, ids, NOW, plan, post, worker } from './fixtures.ts';

const host = { host: 'test-host', pid: 1 };

describe.each(BACKENDS)('worker leases on $name', (backend) => {
  it('a worker lists itself with what it holds; a clean stop gives everything up', async () => {
    const store = await backend.open();
    await store.register({ id: 'w1', ...host }, NOW);
    expect((await store.claimChannels('w1', ['x', 'tg'], NOW)).sort()).toEqual(['tg', 'x']);
    expect(await store.claimFeeds('w1', ['a', 'b'], NOW, { dueOnly: true, limit: 1 })).toEqual(['a']);
    expect(await store.workers(NOW + 1)).toEqual([{ id: 'w1', host: 'test-host', pid: 1, startedAt: NOW, heartbeatAt: NOW, feeds: ['a'], channels: ['tg', 'x'] }]);
    await store.unregister('w1');
    expect(await store.workers(NOW + 1)).toEqual([]);
  });

  it('a feed is claimed until its poll is recorded; due feeds only, never-polled first', async () => {
    const store = await backend.open();
    await store.register({ id: 'w1', ...host }, NOW);
    await store.record({ ...plan([], [], { feedId: 'later' }), nextPollAt: NOW + 60_000 });
    await store.record({ ...plan([], [], { feedId: 'due' }), nextPollAt: NOW - 1 });
    const feeds = ['later', 'due', 'new'];
    expect(await store.claimFeeds('w1', feeds, NOW, { dueOnly: true, limit: 1 })).toEqual(['new']);
    expect(await store.claimFeeds('w1', feeds, NOW, { dueOnly: true, limit: 5 })).toEqual(['due']);
    expect(await store.claimFeeds('w1', feeds, NOW, { dueOnly: true, limit: 5 })).toEqual([]);
    expect(await store.nextPollAt(feeds, NOW)).toBe(NOW + 60_000);
    expect(await store.nextPollAt([...feeds, 'never-seen'], NOW)).toBeUndefined();
    await store.record({ ...plan([], [], { feedId: 'new' }), nextPollAt: NOW + 30_000 });
    await store.recordUnchanged('due', NOW, NOW + 20_000);
    expect(await store.nextPollAt(feeds, NOW)).toBe(NOW + 20_000);
    expect((await store.claimFeeds('w1', feeds, NOW, { dueOnly: false, limit: 5 })).sort()).toEqual(['due', 'later', 'new']);
    expect(await store.nextPollAt(feeds, NOW)).toBe(Infinity);
    await store.releaseFeed('w1', 'later');
    await store.recordFailure('new', 'HTTP 500', NOW, NOW + 1);
    expect(await store.workers(NOW)).toMatchObject([{ id: 'w1', feeds: ['due'] }]);
  });

  it('feeds no longer configured are passed over, however overdue, when claiming and when asked for the next poll', async () => {
    const store = await backend.open();
    await store.register({ id: 'w1', ...host }, NOW);
    await store.record({ ...plan([], [], { feedId: 'removed' }), nextPollAt: NOW - 60_000 });
    await store.record({ ...plan([], [], { feedId: 'removed-never' }), nextPollAt: undefined });
    await store.record({ ...plan([], [], { feedId: 'due' }), nextPollAt: NOW - 1 });
    await store.record({ ...plan([], [], { feedId: 'later' }), nextPollAt: NOW + 60_000 });
    const feeds = ['due', 'later'];
    expect(await store.claimFeeds('w1', feeds, NOW, { dueOnly: true, limit: 1 })).toEqual(['due']);
    expect(await store.claimFeeds('w1', feeds, NOW, { dueOnly: true, limit: 5 })).toEqual([]);
    expect(await store.nextPollAt(feeds, NOW)).toBe(NOW + 60_000);
  });

  it("recoverAbandoned never touches a live worker's sends, and recovers a dead one's as after a crash", async () => {
    const store = await backend.open();
    await store.record(plan(articles(1), ['mastodon', 'telegram']));
    await worker(store, 'w1', ['mastodon', 'telegram']);
    for (const channel of ['mastodon', 'telegram']) {
      const [id] = await ids(store, channel);
      expect(await store.claim(id!, post('p'), { workerId: 'w1', now: NOW })).toBe(1);
    }
    const canResend = (c: string) => c === 'mastodon';
    expect(await store.recoverAbandoned(canResend, NOW + 1)).toEqual({ resent: 0, inDoubt: 0 });
    await store.heartbeat('w1', NOW + LEASE_MS);
    expect(await store.recoverAbandoned(canResend, NOW + LEASE_MS + 1)).toEqual({ resent: 0, inDoubt: 0 });
    const later = NOW + 3 * LEASE_MS;
    expect(await store.recoverAbandoned(canResend, later)).toEqual({ resent: 1, inDoubt: 1 });
    expect(await store.recoverAbandoned(canResend, later)).toEqual({ resent: 0, inDoubt: 0 });
    const [m] = await store.deliveries({ channelId: 'mastodon' });
    expect(m).toMatchObject({ state: 'pending', resend: true, attempts: 1, dueAt: later, claimedBy: undefined });
    const [t] = await store.deliveries({ channelId: 'telegram' });
    expect(t).toMatchObject({ state: 'in_doubt', settledAt: later, lastCode: 'interrupted' });
    expect(t!.lastError).not.toMatch(/herald/);
    expect((await store.attempts([t!.id])).get(t!.id)).toMatchObject([{ n: 1, outcome: 'interrupted', finishedAt: later }]);
  });
});

/** SQLite keeps one worker per store (a second `register` is refused): sharing is PostgreSQL's. */
describe.each(BACKENDS.filter((b) => b.name === 'postgres'))('leases among several workers on $name', (backend) => {
  it('two workers claiming feeds at the same moment never get the same feed', async () => {
    const store = await backend.open();
    const feeds = Array.from({ length: 40 }, (_, i) => `feed-${i}`);
    const workers = ['w1', 'w2', 'w3', 'w4'];
    for (const id of workers) await store.register({ id, ...host }, NOW);
    const claims = await Promise.all(workers.flatMap((id) => [1, 2, 3].map(() => store.claimFeeds(id, feeds, NOW, { dueOnly: true, limit: 4 }))));
    const claimed = claims.flat();
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.length).toBeGreaterThan(0);
  });

  it("a dead worker's feed is free again after LEASE_MS; a live one keeps it by heartbeat", async () => {
    const store = await backend.open();
    await store.register({ id: 'w1', ...host }, NOW);
    await store.register({ id: 'w2', ...host }, NOW);
    expect(await store.claimFeeds('w1', ['a'], NOW, { dueOnly: true, limit: 1 })).toEqual(['a']);
    await store.heartbeat('w2', NOW + LEASE_MS);
    expect(await store.claimFeeds('w2', ['a'], NOW + LEASE_MS - 1, { dueOnly: true, limit: 1 })).toEqual([]);
    await store.heartbeat('w1', NOW + LEASE_MS - 1);
    expect(await store.claimFeeds('w2', ['a'], NOW + LEASE_MS + 1, { dueOnly: true, limit: 1 })).toEqual([]);
    expect(await store.claimFeeds('w2', ['a'], NOW + 2 * LEASE_MS, { dueOnly: true, limit: 1 })).toEqual(['a']);
  });

  it('channel leases are split fairly among live workers and taken over after LEASE_MS', async () => {
    const store = await backend.open();
    const channels = ['c1', 'c2', 'c3', 'c4', 'c5'];
    await store.register({ id: 'w1', ...host }, NOW);
    expect((await store.claimChannels('w1', channels, NOW)).sort()).toEqual(channels);
    await store.register({ id: 'w2', ...host }, NOW + 1);
    expect(await store.claimChannels('w2', channels, NOW + 1)).toEqual([]);
    const kept = await store.claimChannels('w1', channels, NOW + 2);
    expect(kept).toHaveLength(3);
    const given = await store.claimChannels('w2', channels, NOW + 3);
    expect(given).toHaveLength(2);
    expect([...kept, ...given].sort()).toEqual(channels);
    // w1 stops heartbeating; w2 keeps going and takes its channels once the lease ran out.
    await store.heartbeat('w2', NOW + LEASE_MS - 1);
    expect((await store.claimChannels('w2', channels, NOW + LEASE_MS - 1)).sort()).toEqual([...given].sort());
    await store.heartbeat('w2', NOW + LEASE_MS);
    expect((await store.claimChannels('w2', channels, NOW + LEASE_MS)).sort()).toEqual(channels);
    expect((await store.workers(NOW + LEASE_MS)).map((w) => w.id)).toEqual(['w2']);
  });

  it('a worker gives back no channel it is sending on', async () => {
    const store = await backend.open();
    await store.record(plan(articles(1), ['c1', 'c2']));
    await store.register({ id: 'w1', ...host }, NOW);
    await store.claimChannels('w1', ['c1', 'c2'], NOW);
    const [d1] = await ids(store, 'c1');
    const [d2] = await ids(store, 'c2');
    expect(await store.claim(d1!, post('p'), { workerId: 'w1', now: NOW })).toBe(1);
    expect(await store.claim(d2!, post('p'), { workerId: 'w1', now: NOW })).toBe(1);
    await store.register({ id: 'w2', ...host }, NOW);
    expect((await store.claimChannels('w1', ['c1', 'c2'], NOW + 1)).sort()).toEqual(['c1', 'c2']);
  });

  it('a claim succeeds only while the worker holds the channel lease', async () => {
    const store = await backend.open();
    await store.record(plan(articles(1), ['x']));
    const [id] = await ids(store, 'x');
    await worker(store, 'w1', ['x']);
    await store.register({ id: 'w2', ...host }, NOW);
    expect(await store.claim(id!, post('p'), { workerId: 'w2', now: NOW })).toBeUndefined();
    expect(await store.recordDryRun(id!, post('p'), { workerId: 'w2', now: NOW })).toBeUndefined();
    expect(await store.claim(id!, post('p'), { workerId: 'w1', now: NOW + LEASE_MS + 1 })).toBeUndefined();
    expect(await store.claim(id!, post('p'), { workerId: 'w1', now: NOW + 1 })).toBe(1);
    expect(await store.delivery(id!)).toMatchObject({ claimedBy: 'w1' });
  });

  it('any number of workers register beside each other', async () => {
    const store = await backend.open();
    for (const id of ['w1', 'w2', 'w3']) await store.register({ id, ...host }, NOW);
    expect((await store.workers(NOW)).map((w) => w.id)).toEqual(['w1', 'w2', 'w3']);
  });
});
