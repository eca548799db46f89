import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLinkedInFake, type LinkedInFake } from '../fakes/linkedin-api.ts';
import { authorize, authWithBrowser } from '../helpers/auth-browser.ts';
import { rssFeed } from '../helpers/feed-xml.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';

const KEY = randomBytes(32).toString('hex');
const CLIENT_SECRET = `canary-linkedin-secret-${randomBytes(6).toString('hex')}`;
const MEMBER = { sub: 'aB3xYz', name: 'Aigerim Sarsenova' };
const env = { LINKEDIN_CLIENT_SECRET: CLIENT_SECRET, HERALD_SECRET_KEY: KEY, HERALD_LOG_LEVEL: 'warn' };
let site: HttpFake;
let feedItems = [2, 1];
let refreshing: LinkedInFake;
let accessOnly: LinkedInFake;

beforeAll(async () => {
  site = await startFake();
  site.route('GET', '/feed/', () => ({ headers: { 'content-type': 'application/rss+xml' }, body: rssFeed(feedItems.map((n) => ({ n }))) }));
  const app = { clientId: '86herald', clientSecret: CLIENT_SECRET, member: MEMBER };
  refreshing = await startLinkedInFake({ token: 'static-token-unused', oauth: { ...app, accessLifetimeMs: 1000, programmaticRefresh: true } });
  accessOnly = await startLinkedInFake({ token: 'static-token-unused', oauth: { ...app, accessLifetimeMs: 6000, programmaticRefresh: false } });
});
afterAll(async () => {
  await Promise.all([site.close(), refreshing.close(), accessOnly.close()]);
});

function linkedinWorkspace(linkedin: LinkedInFake, author: string) {
  return workspace(`
store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}/feed/
    backfill: 5
channels:
  - id: li-page
    platform: linkedin
    author: ${author}
    apiRoot: ${linkedin.url}
    oauthRoot: ${linkedin.url}
    auth: { clientId: 86herald, clientSecret: "\${LINKEDIN_CLIENT_SECRET}" }
`);
}

const connect = (config: string) => authWithBrowser('li-page', config, env, async (url) => void (await fetch(await authorize(url))));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The store's bytes on disk: the database file and its write-ahead log. */
function storeBytes(store: string): string {
  return [store, `${store}-wal`]
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('');
}

describe('herald auth for LinkedIn (3-legged OAuth)', () => {
  it('connects the member, checks state, and stores the tokens sealed', async () => {
    const ws = linkedinWorkspace(refreshing, 'urn:li:organization:2414183');
    const r = await authWithBrowser('li-page', ws.config, env, async (url) => {
      const page = new URL(url);
      expect(page.origin + page.pathname).toBe(`${refreshing.url}/oauth/v2/authorization`);
      expect(url).toContain('scope=openid%20profile%20w_member_social%20w_organization_social');
      const back = await authorize(url);
      expect(back.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(back)).status).toBe(200);
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /channel li-page: connected as Aigerim Sarsenova \(urn:li:person:aB3xYz\); tokens stored encrypted \(access token until .*, renewed automatically\)/,
    );
    expect(r.code).toBe(0);
    const bytes = storeBytes(ws.store);
    expect(bytes).toContain('li-page');
    const tokens = refreshing.oauth!.issued;
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    for (const token of tokens) expect(bytes).not.toContain(token);
    for (const out of [r.stdout, r.stderr]) for (const secret of [CLIENT_SECRET, KEY, ...tokens]) expect(out).not.toContain(secret);

    const forged = await authWithBrowser('li-page', ws.config, env, async (url, child) => {
      const back = await authorize(url);
      back.searchParams.set('state', 'someone-elses-state');
      child.stdin!.write(`${back.toString()}\n`);
    });
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/^herald: the redirect does not carry the state this run sent/);
  }, 60_000);

  it('refuses tokens of another member than the person the channel posts as', async () => {
    const ws = linkedinWorkspace(refreshing, 'urn:li:person:someoneElse');
    const r = await connect(ws.config);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'herald: the browser was signed in to LinkedIn as Aigerim Sarsenova (urn:li:person:aB3xYz), but channel li-page posts as urn:li:person:someoneElse — sign in to LinkedIn as that member and run `herald auth li-page` again, or set author: urn:li:person:aB3xYz\n',
    );
  }, 60_000);

  it('keeps posting across several token lifetimes, renewing with the refresh token', async () => {
    const ws = linkedinWorkspace(refreshing, 'urn:li:person:aB3xYz');
    expect((await connect(ws.config)).code).toBe(0);
    const before = { posts: refreshing.posts.length, refreshed: refreshing.oauth!.refreshed.length };
    const outputs: string[] = [];
    for (let round = 0; round < 3; round++) {
      await pause(1100);
      feedItems = [round + 3, ...feedItems];
      const once = await herald(['once', '--config', ws.config], { env });
      outputs.push(once.stdout, once.stderr);
      expect(once.code).toBe(0);
    }
    // The first poll posts both articles found, each later one the new article.
    expect(refreshing.posts.length - before.posts).toBe(5);
    expect(refreshing.oauth!.refreshed.length - before.refreshed).toBeGreaterThanOrEqual(3);
    for (const out of outputs) for (const secret of [CLIENT_SECRET, ...refreshing.oauth!.issued]) expect(out).not.toContain(secret);
  }, 60_000);

  it('without a refresh token: status warns it cannot renew itself, and posting after expiry pauses with `herald auth`', async () => {
    const ws = linkedinWorkspace(accessOnly, 'urn:li:person:aB3xYz');
    const r = await connect(ws.config);
    const expired = Date.now() + 6100;
    expect(r.stdout).toMatch(/channel li-page: connected as Aigerim Sarsenova \(urn:li:person:aB3xYz\); tokens stored encrypted \(access token until [^,]*\)\n/);
    expect(r.code).toBe(0);

    const status = await herald(['status', '--config', ws.config, '--json'], { env });
    expect(status.code).toBe(1);
    const channel = (JSON.parse(status.stdout) as { channels: { credential: { kind: string; renewsItself: boolean; warning: string } }[] }).channels[0]!;
    expect(channel.credential.kind).toBe('oauth2-access-only');
    expect(channel.credential.renewsItself).toBe(false);
    expect(channel.credential.warning).toMatch(/^EXPIRES \S+ \(in \d+ s\) and cannot renew itself: run `herald auth li-page`$/);

    await pause(expired - Date.now());
    const once = await herald(['once', '--config', ws.config], { env });
    expect(once.code).toBe(1);
    const reason =
      "LinkedIn: the channel's token cannot be renewed (its access token expired or was refused, and LinkedIn gives this app no refresh token (programmatic refresh is for approved partners only)); run `herald auth li-page` to connect the account again";
    expect(once.stdout).toContain(reason);
    expect(accessOnly.posts).toHaveLength(0);
    const paused = await herald(['status', '--config', ws.config, '--json'], { env });
    const after = (JSON.parse(paused.stdout) as { channels: { blocked: string; reason: string; credential: { warning: string } }[] }).channels[0]!;
    expect(after.blocked).toBe('paused');
    expect(after.reason).toBe(reason);
    expect(after.credential.warning).toMatch(/^EXPIRED .* and cannot renew itself: run `herald auth li-page`$/);
  }, 60_000);
});
