import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTikTokFake } from '../fakes/tiktok-api.ts';
import { authorize, authWithBrowser } from '../helpers/auth-browser.ts';
import { rssFeed } from '../helpers/feed-xml.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';

const KEY = randomBytes(32).toString('hex');
const CLIENT_SECRET = `canary-tiktok-secret-${randomBytes(6).toString('hex')}`;
let site: HttpFake;
let tiktok: Awaited<ReturnType<typeof startTikTokFake>>;

beforeAll(async () => {
  site = await startFake();
  tiktok = await startTikTokFake({ token: 'unused-static-token', oauth: { clientKey: 'herald-key', clientSecret: CLIENT_SECRET, accessLifetimeMs: 1000 } });
  site.route('GET', '/feed/', () => ({
    headers: { 'content-type': 'application/rss+xml' },
    body: rssFeed([2, 1].map((n) => ({ n, image: `https://astanatimes.com/wp-content/uploads/${n}.jpg` }))),
  }));
});
afterAll(async () => {
  await Promise.all([site.close(), tiktok.close()]);
});

describe('herald auth for TikTok (OAuth v2)', () => {
  it('connects the account, then `once` posts, renewing the 1-second tokens with rotating refresh tokens', async () => {
    const ws = workspace(`
store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}/feed/
    backfill: 5
channels:
  - id: tiktok-main
    platform: tiktok
    apiRoot: ${tiktok.url}
    authorizeUrl: ${tiktok.url}/v2/auth/authorize/
    auth: { clientId: herald-key, clientSecret: "\${TIKTOK_CLIENT_SECRET}" }
`);
    const env = { TIKTOK_CLIENT_SECRET: CLIENT_SECRET, HERALD_SECRET_KEY: KEY, HERALD_LOG_LEVEL: 'warn' };
    const r = await authWithBrowser('tiktok-main', ws.config, env, async (url) => {
      expect(new URL(url).searchParams.get('scope')).toBe('user.info.basic,video.publish');
      expect((await fetch(await authorize(url))).status).toBe(200);
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('channel tiktok-main: connected as The Astana Times; tokens stored encrypted');
    expect(r.code).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const posted = await herald(['once', '--config', ws.config], { env });
    expect(posted.code).toBe(0);
    expect(tiktok.posts).toHaveLength(2);
    expect(tiktok.oauth.spent.length).toBeGreaterThanOrEqual(1);
    expect(tiktok.oauth.reused).toEqual([]);
    for (const out of [r.stdout, posted.stdout, posted.stderr]) expect(out).not.toContain(CLIENT_SECRET);
  }, 60_000);
});
