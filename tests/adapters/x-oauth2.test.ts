import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { xAdapter } from '../../adapters/x.ts';
import { CredentialVault } from '../../src/auth/channel-credentials.ts';
import { secretKeyFromEnv } from '../../src/auth/secret-key.ts';
import type { Adapter } from '../../src/platform.ts';
import { openPostgresStore } from '../../src/store/postgres/store.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import type { Store } from '../../src/store/store.ts';
import { startXFake, xProblem, type XFake } from '../fakes/x-api.ts';
import { channelOf, onlineContext, reasonOf, renderedPost, sendContext } from '../helpers/adapter-test.ts';
import { createTestDatabase } from '../helpers/postgres.ts';

const KEY = randomBytes(32).toString('hex');
const APP = { clientId: 'herald-client-id', clientSecret: `canary-client-secret-${randomBytes(6).toString('hex')}` };
const LINK = 'https://astanatimes.com/2024/05/story/';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function xFake(accessLifetimeMs: number): Promise<XFake> {
  const fake = await startXFake({ oauth2: { ...APP, accessLifetimeMs } });
  cleanups.push(() => fake.close());
  return fake;
}

async function adapterOn(store: Store, fake: XFake, seed?: string, env: NodeJS.ProcessEnv = { HERALD_SECRET_KEY: KEY }): Promise<Adapter> {
  const vault = new CredentialVault(secretKeyFromEnv(env));
  vault.store = store;
  const channel = channelOf(xAdapter, { id: 'x-main', apiRoot: fake.url, auth: { ...APP, ...(seed && { refreshToken: seed }) } });
  const adapter = await xAdapter.create(channel, { ...onlineContext(), credentials: vault.channel('x-main') });
  cleanups.push(() => adapter.close?.());
  return adapter;
}

function sqliteStore(): Store {
  const store = SqliteStore.open(':memory:');
  cleanups.push(() => store.close());
  return store;
}

let n = 0;
const post = () => renderedPost({ layout: 'text', text: `Story number ${++n} ${LINK}`, link: LINK });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('x adapter with OAuth 2.0', () => {
  it('keeps posting across many token lifetimes from a seed refresh token, spending each refresh token once', async () => {
    const fake = await xFake(1000);
    const seed = fake.oauth2!.issueRefreshToken();
    const store = sqliteStore();
    const adapter = await adapterOn(store, fake, seed);
    const results = [];
    for (let i = 0; i < 10; i++) {
      results.push(await adapter.send(post(), sendContext()));
      await sleep(400);
    }
    expect(results.map((r) => r.kind)).toEqual(Array(10).fill('sent'));
    expect(fake.tweets).toHaveLength(10);
    expect(fake.oauth2!.spent[0]).toBe(seed);
    expect(fake.oauth2!.spent.length).toBeGreaterThanOrEqual(4);
    expect(fake.oauth2!.reused).toEqual([]);
    // Authorization headers on the tweets: Bearer tokens only, never the app's secret.
    const tweetAuth = fake.fake.requests.filter((r) => r.path === '/2/tweets').map((r) => String(r.headers.authorization));
    expect(tweetAuth.every((h) => h.startsWith('Bearer xat-'))).toBe(true);
  }, 20_000);

  it('two workers on PostgreSQL racing over the same credential never spend a refresh token twice', async () => {
    const fake = await xFake(1000);
    const seed = fake.oauth2!.issueRefreshToken();
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const stores = [await openPostgresStore(db.url), await openPostgresStore(db.url)];
    for (const s of stores) cleanups.push(() => s.close());
    const adapters = [await adapterOn(stores[0]!, fake, seed), await adapterOn(stores[1]!, fake, seed)];
    const worker = async (adapter: Adapter) => {
      const kinds = [];
      for (let i = 0; i < 8; i++) {
        kinds.push((await adapter.send(post(), sendContext())).kind);
        await sleep(250 + Math.random() * 100);
      }
      return kinds;
    };
    const [a, b] = await Promise.all(adapters.map(worker));
    expect([...a!, ...b!]).toEqual(Array(16).fill('sent'));
    expect(fake.tweets).toHaveLength(16);
    expect(fake.oauth2!.spent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(fake.oauth2!.spent).size).toBe(fake.oauth2!.spent.length);
    expect(fake.oauth2!.reused).toEqual([]);
  }, 30_000);

  it('a refused access token is renewed once and the post sent with the new one', async () => {
    const fake = await xFake(3_600_000);
    const store = sqliteStore();
    const adapter = await adapterOn(store, fake, fake.oauth2!.issueRefreshToken());
    expect((await adapter.send(post(), sendContext())).kind).toBe('sent');
    const spent = fake.oauth2!.spent.length;
    fake.respondNext(() => xProblem(401, 'Unauthorized', 'Unauthorized'));
    expect((await adapter.send(post(), sendContext())).kind).toBe('sent');
    expect(fake.oauth2!.spent.length).toBe(spent + 1);
    expect(fake.tweets).toHaveLength(2);
  });

  it('a refresh X refuses for good asks for `herald auth CHANNEL`', async () => {
    const fake = await xFake(1000);
    const store = sqliteStore();
    const adapter = await adapterOn(store, fake, fake.oauth2!.issueRefreshToken());
    expect((await adapter.send(post(), sendContext())).kind).toBe('sent');
    fake.oauth2!.revokeAll();
    const result = await adapter.send(post(), sendContext());
    expect(result.kind).toBe('auth');
    expect(reasonOf(result)).toMatch(/run `herald auth x-main` to connect the account again$/);
    expect(reasonOf(result)).not.toContain(APP.clientSecret);
  });

  it('without a key, the channel does not start and nothing is spent', async () => {
    const fake = await xFake(1000);
    const err = await adapterOn(sqliteStore(), fake, fake.oauth2!.issueRefreshToken(), {}).catch((e: unknown) => e);
    expect((err as Error).message).toBe('no secret key: stored tokens are encrypted with HERALD_SECRET_KEY, which is not set');
    expect(fake.fake.requests).toEqual([]);
  });
});
