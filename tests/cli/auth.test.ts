import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { startXFake, type XFake } from '../fakes/x-api.ts';
import { rssFeed } from '../helpers/feed-xml.ts';
import { authorize, authWithBrowser as authIn } from '../helpers/auth-browser.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';

const KEY = randomBytes(32).toString('hex');
const CLIENT_SECRET = `canary-client-secret-${randomBytes(6).toString('hex')}`;
let site: HttpFake;
let x: XFake;

beforeAll(async () => {
  site = await startFake();
  x = await startXFake({ oauth2: { clientId: 'herald-app', clientSecret: CLIENT_SECRET, accessLifetimeMs: 2000 } });
  site.route('GET', '/feed/', () => ({ headers: { 'content-type': 'application/rss+xml' }, body: rssFeed([{ n: 2 }, { n: 1 }]) }));
});
afterAll(async () => {
  await Promise.all([site.close(), x.close()]);
});

function xWorkspace() {
  return workspace(`
store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}/feed/
    backfill: 5
channels:
  - id: x-main
    platform: x
    apiRoot: ${x.url}
    authorizeUrl: ${x.url}/i/oauth2/authorize
    auth: { clientId: herald-app, clientSecret: "\${X_CLIENT_SECRET}" }
`);
}

const env = { X_CLIENT_SECRET: CLIENT_SECRET, HERALD_SECRET_KEY: KEY, HERALD_LOG_LEVEL: 'warn' };
const authWithBrowser = (config: string, browser: Parameters<typeof authIn>[3]) => authIn('x-main', config, env, browser);

describe('herald auth for X (OAuth 2.0 with PKCE)', () => {
  it('connects the account through the loopback redirect; `once` then posts with the stored tokens, renewing them', async () => {
    const ws = xWorkspace();
    const r = await authWithBrowser(ws.config, async (url) => {
      const authorizeUrl = new URL(url);
      expect(authorizeUrl.searchParams.get('scope')).toBe('tweet.write tweet.read users.read offline.access media.write');
      expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('s256');
      const back = await authorize(url);
      expect(back.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(back.pathname).toBe('/callback');
      expect((await fetch(back)).status).toBe(200);
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/channel x-main: connected as @AstanaTimes; tokens stored encrypted \(access token until .*, renewed automatically\)/);
    expect(r.stdout).not.toContain(CLIENT_SECRET);

    await new Promise((resolve) => setTimeout(resolve, 2100));
    const posted = await herald(['once', '--config', ws.config], { env });
    expect(posted.code).toBe(0);
    expect(x.tweets).toHaveLength(2);
    expect(x.oauth2!.spent).toHaveLength(1);
    expect(x.oauth2!.reused).toEqual([]);
    for (const out of [posted.stdout, posted.stderr]) expect(out).not.toContain(CLIENT_SECRET);

    const status = await herald(['status', '--config', ws.config], { env });
    expect(status.stdout).toMatch(/\n {4}credential: oauth2 as @AstanaTimes, access token until \S+ \([^)]+\), last renewed \S+ \([^)]+\), renews itself\n/);
    expect(status.code).toBe(0);

    // A token that cannot renew itself (no refresh token) and runs out within 7 days is a warning.
    const store = SqliteStore.open(ws.store);
    const row = (await store.credential('x-main'))!;
    await store.putCredential({ ...row, kind: 'oauth2-access-only', expiresAt: Date.now() + 3 * 86_400_000 }, row.version);
    await store.close();
    const warned = await herald(['status', '--config', ws.config, '--json'], { env });
    expect(warned.code).toBe(1);
    const channel = (JSON.parse(warned.stdout) as { channels: { credential: { renewsItself: boolean; warning: string } }[] }).channels[0]!;
    expect(channel.credential.renewsItself).toBe(false);
    expect(channel.credential.warning).toMatch(/^EXPIRES \S+ \(in 72 h\) and cannot renew itself: run `herald auth x-main`$/);
  }, 60_000);

  it('takes a redirect URL pasted on stdin, and refuses one whose state is not its own', async () => {
    const ws = xWorkspace();
    const pasted = await authWithBrowser(ws.config, async (url, child) => {
      child.stdin!.write(`${(await authorize(url)).toString()}\n`);
    });
    expect(pasted.code).toBe(0);
    expect(pasted.stdout).toContain('connected as @AstanaTimes');

    const forged = await authWithBrowser(ws.config, async (url, child) => {
      const back = await authorize(url);
      back.searchParams.set('state', 'someone-elses-state');
      child.stdin!.write(`${back.toString()}\n`);
    });
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/^herald: the redirect does not carry the state this run sent/);
  }, 60_000);

  it('--rotate-key seals the stored tokens with the new key; the old key no longer opens them', async () => {
    const ws = xWorkspace();
    const connected = await authWithBrowser(ws.config, async (url) => void (await fetch(await authorize(url))));
    expect(connected.code).toBe(0);
    const NEW_KEY = randomBytes(32).toString('base64');
    const rotated = await herald(['auth', '--rotate-key', '--config', ws.config], { env: { ...env, HERALD_NEW_SECRET_KEY: NEW_KEY } });
    expect(rotated.stdout).toBe('sealed 1 stored credential(s) with the new key; set HERALD_SECRET_KEY to it and restart the workers\n');
    expect(rotated.code).toBe(0);
    for (const out of [rotated.stdout, rotated.stderr]) for (const secret of [KEY, NEW_KEY]) expect(out).not.toContain(secret);

    const tweets = x.tweets.length;
    site.route('GET', '/feed/', () => ({ headers: { 'content-type': 'application/rss+xml' }, body: rssFeed([{ n: 4 }, { n: 3 }]) }));
    const newKey = await herald(['once', '--config', ws.config], { env: { ...env, HERALD_SECRET_KEY: NEW_KEY } });
    expect(newKey.code).toBe(0);
    expect(x.tweets.length).toBe(tweets + 2);

    site.route('GET', '/feed/', () => ({ headers: { 'content-type': 'application/rss+xml' }, body: rssFeed([{ n: 5 }, { n: 4 }, { n: 3 }]) }));
    const oldKey = await herald(['once', '--config', ws.config], { env });
    expect(oldKey.code).toBe(1);
    expect(oldKey.stdout).toContain('the stored credential of channel x-main cannot be opened with this HERALD_SECRET_KEY (another key sealed it)');
    expect(x.tweets.length).toBe(tweets + 2);
  }, 60_000);

  it('without HERALD_SECRET_KEY it stops before contacting X', async () => {
    const ws = xWorkspace();
    const before = x.fake.requests.length;
    const r = await herald(['auth', 'x-main', '--config', ws.config], { env: { X_CLIENT_SECRET: CLIENT_SECRET } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^herald: no secret key: stored tokens are encrypted with HERALD_SECRET_KEY, which is not set/);
    expect(x.fake.requests.length).toBe(before);
  });
});
