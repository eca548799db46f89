import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlueskyFake, FAKE_HANDLE, type BlueskyFake } from '../fakes/bluesky-api.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { rssFeed, type FeedItem } from '../helpers/feed-xml.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';

const PASSWORD = `canary-app-password-${randomBytes(4).toString('hex')}`;
const KEY = randomBytes(32).toString('hex');
let site: HttpFake;
let bsky: BlueskyFake;
let items: FeedItem[] = [];

beforeAll(async () => {
  site = await startFake();
  bsky = await startBlueskyFake({ password: PASSWORD });
  site.route('GET', '/feed/', () => ({ headers: { 'content-type': 'application/rss+xml; charset=UTF-8' }, body: rssFeed(items) }));
});
afterAll(async () => {
  await Promise.all([site.close(), bsky.close()]);
});

function bskyWorkspace() {
  return workspace(`
store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}/feed/
    backfill: 5
channels:
  - id: bsky-main
    platform: bluesky
    apiRoot: ${bsky.url}
    auth: { identifier: ${FAKE_HANDLE}, password: "\${BSKY_PASSWORD}" }
`);
}

const createSessions = () => bsky.calls('com.atproto.server.createSession');

describe('the Bluesky session across processes', () => {
  it('many `once` runs create one session, refresh it when its access token dies, and log in again only when both tokens are dead', async () => {
    const ws = bskyWorkspace();
    const once = () => herald(['once', '--config', ws.config], { env: { BSKY_PASSWORD: PASSWORD, HERALD_SECRET_KEY: KEY } });
    const before = createSessions();
    let n = 0;
    const run = async () => {
      items = [{ n: ++n }, ...items];
      const r = await once();
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      for (const secret of [PASSWORD, KEY]) expect(r.stdout).not.toContain(secret);
    };
    for (let i = 0; i < 4; i++) await run();
    expect(createSessions() - before).toBe(1);

    bsky.expireAccessTokens();
    const refreshes = bsky.calls('com.atproto.server.refreshSession');
    await run();
    await run();
    expect(bsky.calls('com.atproto.server.refreshSession')).toBe(refreshes + 1);
    expect(createSessions() - before).toBe(1);

    bsky.expireAccessTokens();
    bsky.expireRefreshTokens();
    await run();
    await run();
    expect(createSessions() - before).toBe(2);
    expect(bsky.posts).toHaveLength(8);

    const db = Buffer.concat([ws.store, `${ws.store}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
    expect(db.includes('refresh-')).toBe(false);
    expect(db.includes('access-')).toBe(false);
  }, 120_000);

  it('without a key the session lasts one process', async () => {
    const ws = bskyWorkspace();
    const before = createSessions();
    for (let i = 0; i < 2; i++) {
      items = [{ n: 100 + i }, ...items];
      const r = await herald(['once', '--config', ws.config], { env: { BSKY_PASSWORD: PASSWORD } });
      expect(r.code).toBe(0);
    }
    expect(createSessions() - before).toBe(2);
  }, 60_000);
});
