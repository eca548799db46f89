import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedConfig } from '../../src/config/feed-schema.ts';
import { makeRedactor } from '../../src/redact.ts';
import { pollFeeds } from '../../src/scheduler/cycle.ts';
import { Daemon } from '../../src/scheduler/daemon.ts';
import { WorkerSession } from '../../src/scheduler/worker-session.ts';
import { feed } from '../helpers/articles.ts';
import { startFeedHosts, type FeedHosts } from '../helpers/feed-hosts.ts';
import { memoryStore } from '../helpers/store.ts';

const logger = pino({ level: 'silent' });
const redact = makeRedactor([]);
let servers: FeedHosts | undefined;

afterEach(async () => {
  await servers?.close();
  servers = undefined;
});

/** `counts[h]` feeds on host h. */
function feedsOn(hosts: FeedHosts, counts: number[]): FeedConfig[] {
  return hosts.hosts.flatMap((host, h) => Array.from({ length: counts[h]! }, (_, i) => feed({ id: `h${h}-f${i}`, url: `${host.url}/feeds/${i}/` })));
}

const pollOptions = () => ({ ledger: memoryStore(), baseDir: process.cwd(), userAgent: 'Herald-test', logger, redact });

describe('polling limits', () => {
  it('once: never more than perHost requests to one host, nor more than concurrency in all, and uses both', async () => {
    servers = await startFeedHosts(3);
    const feeds = feedsOn(servers, [6, 6, 6]);
    servers.hold(feeds.length);
    const results = await pollFeeds(feeds, [], { concurrency: 4, perHost: 2 }, pollOptions());
    expect(results.map((r) => [r.feedId, r.ok])).toEqual(feeds.map((f) => [f.id, true]));
    expect(servers.hosts.map((h) => h.requests)).toEqual([6, 6, 6]);
    expect(servers.maxInFlight()).toBe(4);
    expect(Math.max(...servers.hosts.map((h) => h.maxInFlight))).toBe(2);
  });

  it('once: one host with many feeds gets perHost requests at a time, even with room for more', async () => {
    servers = await startFeedHosts(1);
    const feeds = feedsOn(servers, [12]);
    servers.hold(feeds.length);
    await pollFeeds(feeds, [], { concurrency: 8, perHost: 3 }, pollOptions());
    expect(servers.hosts[0]).toMatchObject({ requests: 12, maxInFlight: 3 });
  });

  it('keeps connections alive: many polls of one host, cold then warm (304), over a few TCP connections', async () => {
    servers = await startFeedHosts(1);
    const feeds = feedsOn(servers, [40]);
    const opts = pollOptions();
    const limits = { concurrency: 4, perHost: 4 };
    await pollFeeds(feeds, [], limits, opts);
    const warm = await pollFeeds(feeds, [], limits, opts);
    expect(warm.every((r) => r.ok && r.notModified)).toBe(true);
    const [host] = servers.hosts;
    expect(host).toMatchObject({ requests: 80, notModified: 40 });
    // Without keep-alive every request opens its own; fetch's pool may open one beside a socket not yet handed back.
    expect(host!.connections).toBeLessThan(host!.requests / 4);
  });

  it('the daemon polls within the same limits', async () => {
    servers = await startFeedHosts(3);
    const feeds = feedsOn(servers, [6, 1, 1]);
    servers.hold(feeds.length);
    const store = memoryStore();
    const session = new WorkerSession(store, [], { logger, redact, sendTimeoutMs: 30_000 });
    const daemon = new Daemon(store, session, {
      feeds,
      channels: [],
      polling: { concurrency: 3, perHost: 2 },
      baseDir: process.cwd(),
      userAgent: 'Herald-test',
      logger,
      redact,
      shutdownGraceMs: 1_000,
    });
    await session.start();
    daemon.start();
    try {
      while (servers.hosts.reduce((sum, h) => sum + h.requests, 0) < feeds.length) await sleep(20);
    } finally {
      await daemon.stop();
      await store.close();
    }
    expect(servers.hosts.map((h) => h.requests)).toEqual([6, 1, 1]);
    expect(servers.maxInFlight()).toBe(3);
    expect(servers.hosts[0]!.maxInFlight).toBe(2);
  });
});
