import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { startFacebookFake, startInstagramFake, startThreadsFake } from '../fakes/graph-api.ts';
import { authorize, authWithBrowser } from '../helpers/auth-browser.ts';
import { rssFeed } from '../helpers/feed-xml.ts';
import { herald, workspace, type CliResult } from '../helpers/herald-cli.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';

const KEY = randomBytes(32).toString('hex');
const APP_ID = '990602627938098';
const APP_SECRET = `canary-meta-secret-${randomBytes(6).toString('hex')}`;
const USER = '26000000000000001';
const IG_USER = '17841400000000001';
const PAGE = '100000000000001';
const env = { META_APP_SECRET: APP_SECRET, HERALD_SECRET_KEY: KEY, HERALD_LOG_LEVEL: 'warn' };
let site: HttpFake;

beforeAll(async () => {
  site = await startFake();
  const jpeg = await sharp({ create: { width: 1080, height: 1080, channels: 3, background: { r: 20, g: 120, b: 200 } } }).jpeg().toBuffer();
  site.route('GET', '/img.jpg', () => ({ headers: { 'content-type': 'image/jpeg' }, body: jpeg }));
});
beforeEach(() => serveItems(1, 2));
afterAll(() => site.close());

function serveItems(...ns: number[]): void {
  site.route('GET', '/feed/', () => ({
    headers: { 'content-type': 'application/rss+xml' },
    body: rssFeed(ns.reverse().map((n) => ({ n, image: `${site.url}/img.jpg` }))),
  }));
}

function metaWorkspace(channel: string) {
  return workspace(`
store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}/feed/
    backfill: 5
channels:
${channel}
`);
}

/** `herald auth` with a browser that allows the app on the authorization page and follows the redirect to the loopback port. */
function connect(channelId: string, config: string, scope: string): Promise<CliResult> {
  return authWithBrowser(channelId, config, env, async (url) => {
    expect(new URL(url).searchParams.get('scope')).toBe(scope);
    const back = await authorize(url);
    expect(back.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(back)).status).toBe(200);
  });
}

/** The store's bytes (database and write-ahead log) hold none of these in clear. */
function expectSealed(store: string, secrets: string[]): void {
  const bytes = [store, `${store}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1'));
  expect(bytes.length).toBeGreaterThan(0);
  for (const secret of secrets) for (const b of bytes) expect(b).not.toContain(secret);
}

const credentialLine = (status: CliResult) => /\n {4}credential: (.*)\n/.exec(status.stdout)?.[1];

describe('herald auth for Threads', () => {
  it('stores the long-lived token sealed; `once` posts with it, renewed ahead of its expiry; a renewal refused for good pauses the channel', async () => {
    // 20-second tokens, renewed by the fake once 2 s old (Meta's 24 hours, scaled).
    const threads = await startThreadsFake({ userId: USER, token: 'static-unused', oauth: { clientId: APP_ID, clientSecret: APP_SECRET, longLivedMs: 20_000, minRefreshAgeMs: 2000, username: 'astanatimes' } });
    try {
      const ws = metaWorkspace(`  - id: threads-main
    platform: threads
    userId: "${USER}"
    apiRoot: ${threads.url}/v1.0
    authorizeUrl: ${threads.url}/oauth/authorize
    auth: { clientId: "${APP_ID}", clientSecret: "\${META_APP_SECRET}" }`);
      const r = await connect('threads-main', ws.config, 'threads_basic,threads_content_publish');
      const connectedAt = Date.now();
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/channel threads-main: connected as @astanatimes; tokens stored encrypted \(access token until .*, renewed automatically\)/);
      expect(r.code).toBe(0);
      expect(threads.fake.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
        'GET /oauth/authorize',
        'POST /oauth/access_token',
        'GET /access_token',
        'GET /v1.0/me',
      ]);

      const status = await herald(['status', '--config', ws.config], { env });
      expect(credentialLine(status)).toMatch(/^long-lived as @astanatimes, access token until \S+ \([^)]+\), last renewed \S+ \([^)]+\), renews itself$/);

      // Past half its life the token is renewed before anything is posted with it.
      await new Promise((resolve) => setTimeout(resolve, connectedAt + 10_500 - Date.now()));
      const posted = await herald(['once', '--config', ws.config], { env });
      expect(posted.code).toBe(0);
      expect(threads.posts).toHaveLength(2);
      expect(threads.oauth!.refreshed).toHaveLength(1);
      expect(threads.oauth!.expiredUses).toEqual([]);
      expectSealed(ws.store, [...threads.oauth!.issued, APP_SECRET]);
      for (const out of [r.stdout, status.stdout, posted.stdout, posted.stderr]) expect(out).not.toContain(APP_SECRET);

      threads.oauth!.revoke();
      serveItems(1, 2, 3);
      const refused = await herald(['once', '--config', ws.config], { env });
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain('run `herald auth threads-main` to connect the account again');
      expect(threads.oauth!.refusedRefreshes).toHaveLength(1);
      expect(threads.posts).toHaveLength(2);
      const paused = JSON.parse((await herald(['status', '--config', ws.config, '--json'], { env })).stdout) as { channels: { blocked: string; reason: string }[] };
      expect(paused.channels[0]!.blocked).toBe('paused');
      expect(paused.channels[0]!.reason).toContain('`herald auth threads-main`');

      // A 60-day token 5 days from its end was not renewed when due (30 days ahead): a warning.
      const store = SqliteStore.open(ws.store);
      const row = (await store.credential('threads-main'))!;
      await store.putCredential({ ...row, refreshedAt: Date.now() - 55 * 86_400_000, expiresAt: Date.now() + 5 * 86_400_000 }, row.version);
      await store.close();
      const warned = await herald(['status', '--config', ws.config], { env });
      expect(credentialLine(warned)).toMatch(/, EXPIRES \S+ \(in 120 h\) and has not been renewed \(the channel has not posted since it was due\): run `herald auth threads-main`$/);
    } finally {
      await threads.close();
    }
  }, 90_000);
  it('a code exchange Threads refuses (a wrong app secret) ends with what to check, the secret never shown, nothing stored', async () => {
    const threads = await startThreadsFake({ userId: USER, token: 'static-unused', oauth: { clientId: APP_ID, clientSecret: 'the-real-secret', longLivedMs: 60_000, username: 'astanatimes' } });
    try {
      const ws = metaWorkspace(`  - id: threads-main
    platform: threads
    userId: me
    apiRoot: ${threads.url}/v1.0
    authorizeUrl: ${threads.url}/oauth/authorize
    auth: { clientId: "${APP_ID}", clientSecret: "\${META_APP_SECRET}" }`);
      const r = await connect('threads-main', ws.config, 'threads_basic,threads_content_publish');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        'herald: Threads refused the authorization (HTTP 400: Error validating client secret.) — check auth.clientId, auth.clientSecret and the redirect URI registered with the app, then run `herald auth` again\n',
      );
      expect(r.stdout + r.stderr).not.toContain(APP_SECRET);
      const store = SqliteStore.open(ws.store);
      expect(await store.credential('threads-main')).toBeUndefined();
      await store.close();
    } finally {
      await threads.close();
    }
  }, 60_000);
});

describe('herald auth for Instagram', () => {
  it('exchanges the code at tokenUrl, checks the account is igUserId, stores the long-lived token sealed; `once` posts with it', async () => {
    const ig = await startInstagramFake({ igUserId: IG_USER, token: 'static-unused', oauth: { clientId: APP_ID, clientSecret: APP_SECRET, longLivedMs: 60_000, username: 'astanatimes' } });
    try {
      const channel = (igUserId: string) => `  - id: ig-main
    platform: instagram
    igUserId: "${igUserId}"
    apiRoot: ${ig.url}/v25.0
    authorizeUrl: ${ig.url}/oauth/authorize
    tokenUrl: ${ig.url}/oauth/access_token
    auth: { clientId: "${APP_ID}", clientSecret: "\${META_APP_SECRET}" }`;
      const wrong = metaWorkspace(channel('17841499999999999'));
      const mismatch = await connect('ig-main', wrong.config, 'instagram_business_basic,instagram_business_content_publish');
      expect(mismatch.code).toBe(1);
      expect(mismatch.stderr).toBe(
        'herald: the Instagram account allowed is @astanatimes (igUserId 17841400000000001), but channel ig-main posts as igUserId 17841499999999999 — sign in to Instagram as that account and run `herald auth ig-main` again, or set igUserId: "17841400000000001"\n',
      );
      const untouched = SqliteStore.open(wrong.store);
      expect(await untouched.credential('ig-main')).toBeUndefined();
      await untouched.close();

      const ws = metaWorkspace(channel(IG_USER));
      const r = await connect('ig-main', ws.config, 'instagram_business_basic,instagram_business_content_publish');
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/channel ig-main: connected as @astanatimes; tokens stored encrypted \(access token until .*, renewed automatically\)/);
      expect(r.code).toBe(0);

      const posted = await herald(['once', '--config', ws.config], { env });
      expect(posted.code).toBe(0);
      expect(ig.posts).toHaveLength(2);
      expectSealed(ws.store, [...ig.oauth!.issued, APP_SECRET]);
      for (const out of [mismatch.stdout, mismatch.stderr, r.stdout, posted.stdout, posted.stderr]) expect(out).not.toContain(APP_SECRET);
    } finally {
      await ig.close();
    }
  }, 90_000);
});

describe('herald auth for Facebook', () => {
  it('stores the Page token from the long-lived user token, sealed and not expiring; `once` posts with the Page token', async () => {
    const fb = await startFacebookFake({ pageId: PAGE, token: 'static-unused', oauth: { clientId: APP_ID, clientSecret: APP_SECRET, longLivedMs: 60_000, pageName: 'The Astana Times' } });
    try {
      const ws = metaWorkspace(`  - id: fb-main
    platform: facebook
    pageId: "${PAGE}"
    apiRoot: ${fb.url}/v25.0
    authorizeUrl: ${fb.url}/v25.0/dialog/oauth
    auth: { clientId: "${APP_ID}", clientSecret: "\${META_APP_SECRET}" }`);
      const r = await connect('fb-main', ws.config, 'pages_manage_posts,pages_read_engagement,pages_show_list');
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('channel fb-main: connected as The Astana Times; tokens stored encrypted (it does not expire)\n');
      expect(r.code).toBe(0);

      const posted = await herald(['once', '--config', ws.config], { env });
      expect(posted.code).toBe(0);
      expect(fb.posts).toHaveLength(2);
      // Issued in order: the short-lived user token, the long-lived one, the Page token.
      const [, userToken, pageToken] = fb.oauth!.issued;
      const used = fb.fake.requests.filter((q) => q.path === `/v25.0/${PAGE}/feed`).map((q) => q.form?.get('access_token'));
      expect(used).toEqual([pageToken, pageToken]);
      expect(used).not.toContain(userToken);
      expectSealed(ws.store, [...fb.oauth!.issued, APP_SECRET]);

      const status = await herald(['status', '--config', ws.config], { env });
      expect(credentialLine(status)).toMatch(/^non-expiring as The Astana Times, last renewed \S+ \([^)]+\)$/);
      for (const out of [r.stdout, posted.stdout, posted.stderr, status.stdout]) expect(out).not.toContain(APP_SECRET);
    } finally {
      await fb.close();
    }
  }, 90_000);
});
