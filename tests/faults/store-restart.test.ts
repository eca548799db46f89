/**
 * PostgreSQL restarted under a running worker: a loopback TCP proxy in front of the server cuts
 * every connection and refuses new ones for a few seconds, twice. The worker keeps running,
 * reconnects, and posts every article exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMastodonFake, type MastodonFake } from '../fakes/mastodon-api.ts';
import { rssFeed, type FeedItem } from '../helpers/feed-xml.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

const OUTAGE_MS = 3_000;
let site: HttpFake;
let mastodon: MastodonFake;
let db: TestDatabase;
let proxy: TcpProxy;
const items: FeedItem[] = [{ n: 2 }, { n: 1 }];

beforeAll(async () => {
  site = await startFake();
  mastodon = await startMastodonFake({ accessToken: 'restart-test-token' });
  db = await createTestDatabase();
  proxy = await startTcpProxy(5432);
  site.route('GET', '/feed/', () => ({ headers: { 'content-type': 'application/rss+xml' }, body: rssFeed(items) }));
});

afterAll(async () => {
  await Promise.all([site.close(), mastodon.close(), proxy.close()]);
  await db.drop();
});

const until = async (what: string, done: () => boolean, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** `herald run` with the Mastodon channel and `feeds` (YAML list entries), its store reached through the proxy. */
function runWorker(feeds: string): { run: ReturnType<typeof herald>; child: () => ChildProcess } {
  const url = new URL(db.url);
  url.port = String(proxy.port);
  const ws = workspace(`
store: "${url.toString()}"
feeds:${feeds}
channels:
  - id: mastodon
    platform: mastodon
    apiRoot: ${mastodon.url}
    auth: { accessToken: restart-test-token }
`);
  let child: ChildProcess | undefined;
  const run = herald(['run', '--config', ws.config], { onSpawn: (c) => (child = c) });
  return { run, child: () => child! };
}

describe('PostgreSQL restarted under a running worker', () => {
  it('the worker reconnects and posts every article once', async () => {
    const { run, child } = runWorker(`
  - id: astanatimes
    url: ${site.url}/feed/
    schedule: "* * * * * *"
    backfill: 10`);
    await until('the first posts', () => mastodon.posts.length === 2);
    for (const n of [3, 4]) {
      proxy.cut();
      await proxy.refuse();
      items.unshift({ n });
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      if (child().exitCode !== null) throw new Error(`the worker exited during the outage:\n${(await run).stderr}`);
      await proxy.accept();
      await until(`story ${n} after the outage`, () => mastodon.posts.length === n);
    }
    child().kill('SIGTERM');
    const result = await run;
    expect(result.code).toBe(0);
    const stories = mastodon.posts.map((p) => p.text.match(/story-(\d+)/)?.[1]);
    expect(stories.sort()).toEqual(['1', '2', '3', '4']);
  }, 120_000);

  it('a feed whose poll the outage cut short is polled again once the store is back', async () => {
    let requests = 0;
    site.route('GET', '/cut/', async () => {
      requests++;
      // The store goes away while this poll is under way: its records, and the release of its feed, fail.
      if (requests === 2) {
        proxy.cut();
        await proxy.refuse();
        setTimeout(() => void proxy.accept(), 2_000);
      }
      return { headers: { 'content-type': 'application/rss+xml' }, body: rssFeed([{ n: 11 }]) };
    });
    const { run, child } = runWorker(`
  - id: cut-short
    url: ${site.url}/cut/
    schedule: "* * * * * *"`);
    await until('the poll the outage cuts short', () => requests >= 2);
    await until('a poll after the outage', () => requests >= 3, 30_000);
    child().kill('SIGTERM');
    expect((await run).code).toBe(0);
  }, 120_000);
});
