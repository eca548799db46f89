/**
 * A token that has run out is renewed before the delivery is claimed: while the renewal is in
 * flight nothing is "sending", so a crash then leaves no post in doubt (the kill itself is
 * shown for LinkedIn in linkedin-refresh-kill.test.ts).
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTikTokFake } from '../fakes/tiktok-api.ts';
import { startXFake } from '../fakes/x-api.ts';
import { rssFeed } from '../helpers/feed-xml.ts';
import { startGateProxy } from '../helpers/gate-proxy.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';

const KEY = randomBytes(32).toString('hex');
const SECRET = `canary-app-secret-${randomBytes(6).toString('hex')}`;
const env = { APP_SECRET: SECRET, HERALD_SECRET_KEY: KEY };
let site: HttpFake;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  site = await startFake();
  site.route('GET', '/feed/', () => ({
    headers: { 'content-type': 'application/rss+xml' },
    body: rssFeed([1].map((n) => ({ n, image: `https://astanatimes.com/wp-content/uploads/${n}.jpg` }))),
  }));
});
afterAll(async () => {
  await Promise.all([site.close(), ...cleanups.map((c) => c())]);
});

/** Delivery states in the store, read as the token request reaches the platform. */
function deliveryStates(store: string): string[] {
  const db = new Database(store, { readonly: true });
  try {
    return (db.prepare('SELECT state FROM deliveries').all() as { state: string }[]).map((r) => r.state);
  } finally {
    db.close();
  }
}

async function renewsBeforeClaiming(channel: (root: string) => string, fake: { url: string; posts: unknown[]; close(): Promise<void> }, tokenPath: string) {
  const gate = await startGateProxy(fake.url, (r) => r.method === 'POST' && r.path === tokenPath);
  cleanups.push(() => gate.close());
  const ws = workspace(`store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}/feed/
    backfill: 5
channels:
${channel(gate.url)}`);
  const seen: string[][] = [];
  gate.decide = () => {
    seen.push(deliveryStates(ws.store));
    return 'pass';
  };
  const r = await herald(['once', '--config', ws.config], { env });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(seen).toEqual([['pending']]);
  expect(fake.posts).toHaveLength(1);
}

describe('a token that has run out is renewed before its send is claimed', () => {
  it('TikTok', async () => {
    const tiktok = await startTikTokFake({ token: 'unused', oauth: { clientKey: 'herald-key', clientSecret: SECRET, accessLifetimeMs: 60_000 } });
    cleanups.push(() => tiktok.close());
    const seed = tiktok.oauth.issueRefreshToken();
    await renewsBeforeClaiming(
      (root) => `  - id: tiktok-main\n    platform: tiktok\n    apiRoot: ${root}\n    auth: { clientId: herald-key, clientSecret: "\${APP_SECRET}", refreshToken: ${seed} }\n`,
      tiktok,
      '/v2/oauth/token/',
    );
  }, 60_000);

  it('X (OAuth 2.0)', async () => {
    const x = await startXFake({ oauth2: { clientId: 'herald-app', clientSecret: SECRET, accessLifetimeMs: 60_000 } });
    cleanups.push(() => x.close());
    const seed = x.oauth2!.issueRefreshToken();
    await renewsBeforeClaiming(
      (root) => `  - id: x-main\n    platform: x\n    apiRoot: ${root}\n    auth: { clientId: herald-app, clientSecret: "\${APP_SECRET}", refreshToken: ${seed} }\n`,
      { url: x.url, posts: x.tweets, close: () => x.close() },
      '/2/oauth2/token',
    );
  }, 60_000);
});
