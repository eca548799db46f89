/**
 * `herald once` is killed with SIGKILL while it renews a LinkedIn token: after LinkedIn
 * granted the refresh but before Herald heard it, while Herald waits to write the store,
 * and just after its write committed. The stored credential is then the old one (its
 * refresh token still good: LinkedIn does not rotate it) or the new one, never missing or
 * unreadable, no post is left in doubt, and the next run posts.
 *
 * A run killed before its write leaves its refresh claim behind: the next run waits for it
 * to lapse (60 s) before renewing, so the three moments run side by side, each on its own
 * store and fake.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialVault } from '../../src/auth/channel-credentials.ts';
import { secretKeyFromEnv } from '../../src/auth/secret-key.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { startLinkedInFake } from '../fakes/linkedin-api.ts';
import { rssFeed } from '../helpers/feed-xml.ts';
import { startGateProxy } from '../helpers/gate-proxy.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';

const KEY = randomBytes(32).toString('hex');
const CLIENT_SECRET = `canary-linkedin-secret-${randomBytes(6).toString('hex')}`;
const env = { LINKEDIN_CLIENT_SECRET: CLIENT_SECRET, HERALD_SECRET_KEY: KEY };
const LIFETIME_MS = 1000;
const cleanups: (() => Promise<void>)[] = [];
let site: HttpFake;

beforeAll(async () => {
  site = await startFake();
});
afterAll(async () => {
  await Promise.all([site.close(), ...cleanups.map((c) => c())]);
});

/** Where the run is killed: LinkedIn's answer never reaches Herald; Herald holds it but cannot write yet; its write has just committed. */
type Moment = 'answer-lost' | 'store-locked' | 'after-commit';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function storedCredential(store: string) {
  const opened = SqliteStore.open(store);
  try {
    const vault = new CredentialVault(secretKeyFromEnv({ HERALD_SECRET_KEY: KEY }));
    vault.store = opened;
    return await vault.channel('li-page').read();
  } finally {
    await opened.close();
  }
}

/** The stored credential's version, read beside the running worker. */
function credentialVersion(db: Database.Database): number {
  return (db.prepare("SELECT version FROM credentials WHERE channel_id = 'li-page'").get() as { version: number } | undefined)?.version ?? 0;
}

/** A channel that posts once, then has a run killed at `moment` of its next token renewal, then a run that must post. */
async function killedWhileRenewing(moment: Moment) {
  const linkedin = await startLinkedInFake({
    token: 'static-token-unused',
    oauth: { clientId: '86herald', clientSecret: CLIENT_SECRET, accessLifetimeMs: LIFETIME_MS, programmaticRefresh: true, member: { sub: 'aB3xYz', name: 'Aigerim Sarsenova' } },
  });
  const gate = await startGateProxy(linkedin.url, (r) => r.method === 'POST' && r.path === '/oauth/v2/accessToken');
  cleanups.push(() => linkedin.close(), () => gate.close());
  let items = [1];
  site.route('GET', `/feed-${moment}/`, () => ({ headers: { 'content-type': 'application/rss+xml' }, body: rssFeed(items.map((n) => ({ n }))) }));
  const seed = linkedin.oauth!.issueRefreshToken();
  const ws = workspace(`
store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}/feed-${moment}/
    backfill: 5
channels:
  - id: li-page
    platform: linkedin
    author: urn:li:person:aB3xYz
    apiRoot: ${linkedin.url}
    oauthRoot: ${gate.url}
    auth: { clientId: 86herald, clientSecret: "\${LINKEDIN_CLIENT_SECRET}", refreshToken: ${seed} }
`);
  const first = await herald(['once', '--config', ws.config], { env });
  expect(first.code).toBe(0);
  expect(linkedin.posts).toHaveLength(1);
  const before = (await storedCredential(ws.store))!;
  await pause(LIFETIME_MS + 100);
  items = [2, 1];

  let child: ChildProcess | undefined;
  const kill = () => child?.kill('SIGKILL');
  let db: Database.Database | undefined;
  let watching: NodeJS.Timeout | undefined;
  if (moment === 'answer-lost') {
    gate.decide = () => 'hang-after';
    void gate.nextHang().then(kill);
  }
  linkedin.oauth!.onRefresh = () => {
    db = new Database(ws.store);
    if (moment === 'store-locked') {
      // The write lock is taken before Herald hears the answer: its write waits for it, and is killed waiting.
      db.exec('BEGIN IMMEDIATE');
      setTimeout(kill, 300);
    }
    if (moment === 'after-commit') {
      const seen = credentialVersion(db);
      watching = setInterval(() => credentialVersion(db!) > seen && kill(), 1);
    }
  };
  const killed = await herald(['once', '--config', ws.config], { env, onSpawn: (c) => (child = c) });
  linkedin.oauth!.onRefresh = undefined;
  clearInterval(watching);
  if (db?.inTransaction) db.exec('ROLLBACK');
  db?.close();
  expect(killed.signal, `${moment}: ${killed.stdout}${killed.stderr}`).toBe('SIGKILL');

  const after = await storedCredential(ws.store);
  expect(after, moment).toBeDefined();
  expect(after!.tokens.refreshToken).toBe(seed);
  const renewedTo = linkedin.oauth!.issued.at(-1);
  expect(after!.tokens.accessToken, moment).toBe(moment === 'after-commit' ? renewedTo : before.tokens.accessToken);

  gate.decide = () => 'pass';
  const next = await herald(['once', '--config', ws.config], { env });
  expect(next.stdout, moment).not.toMatch(/in doubt/);
  expect(next.code, `${moment}: ${next.stdout}${next.stderr}`).toBe(0);
  expect(linkedin.posts.map((p) => p.body.content?.article?.title)).toEqual([1, 2].map((n) => `Kazakhstan and partners sign agreement number ${n}`));
}

describe('kill -9 while a LinkedIn token is renewed', () => {
  it('never loses the credential, holds no post in doubt, and the next run posts', async () => {
    await Promise.all((['answer-lost', 'store-locked', 'after-commit'] as const).map(killedWhileRenewing));
  }, 150_000);
});
