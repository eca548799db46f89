import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { tiktokAdapter } from '../../adapters/tiktok.ts';
import { CredentialVault } from '../../src/auth/channel-credentials.ts';
import { secretKeyFromEnv } from '../../src/auth/secret-key.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { startTikTokFake } from '../fakes/tiktok-api.ts';
import { channelOf, onlineContext, reasonOf, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const APP = { clientKey: 'herald-client-key', clientSecret: `canary-tiktok-secret-${randomBytes(6).toString('hex')}` };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setUp(accessLifetimeMs: number) {
  const fake = await startTikTokFake({ token: 'static-token-unused', oauth: { ...APP, accessLifetimeMs } });
  cleanups.push(() => fake.close());
  const store = SqliteStore.open(':memory:');
  cleanups.push(() => store.close());
  const vault = new CredentialVault(secretKeyFromEnv({ HERALD_SECRET_KEY: randomBytes(32).toString('hex') }));
  vault.store = store;
  const seed = fake.oauth.issueRefreshToken();
  const channel = channelOf(tiktokAdapter, { id: 'tiktok-main', apiRoot: fake.url, auth: { clientId: APP.clientKey, clientSecret: APP.clientSecret, refreshToken: seed } });
  const adapter = await tiktokAdapter.create(channel, { ...onlineContext(), credentials: vault.channel('tiktok-main') });
  return { fake, adapter, seed };
}

let n = 0;
const post = () => renderedPost({ layout: 'photo', text: `Story ${++n}`, link: 'https://astanatimes.com/x/', title: `Story ${n}`, imageUrl: 'https://astanatimes.com/a.jpg' });

describe('tiktok adapter with renewed tokens', () => {
  it('keeps posting across token lifetimes, each rotated refresh token spent once', async () => {
    const { fake, adapter, seed } = await setUp(1000);
    const kinds = [];
    for (let i = 0; i < 6; i++) {
      kinds.push((await adapter.send(post(), sendContext())).kind);
      await new Promise((resolve) => setTimeout(resolve, 450));
    }
    expect(kinds).toEqual(Array(6).fill('sent'));
    expect(fake.posts).toHaveLength(6);
    expect(fake.oauth.spent[0]).toBe(seed);
    expect(fake.oauth.spent.length).toBeGreaterThanOrEqual(2);
    expect(fake.oauth.reused).toEqual([]);
  }, 20_000);

  it('a refresh token TikTok refuses pauses the channel with `herald auth CHANNEL`, the secret never shown', async () => {
    const { fake, adapter, seed } = await setUp(1000);
    // The seed was spent elsewhere (another tool): the one Herald holds is dead.
    const elsewhere = await fetch(`${fake.url}/v2/oauth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_key: APP.clientKey, client_secret: APP.clientSecret, grant_type: 'refresh_token', refresh_token: seed }),
    });
    expect(elsewhere.status).toBe(200);
    const result = await adapter.send(post(), sendContext());
    expect(result.kind).toBe('auth');
    expect(reasonOf(result)).toBe(
      "TikTok would not renew the channel's token (HTTP 400: Refresh token is invalid or expired.); run `herald auth tiktok-main` to connect the account again",
    );
    expect(fake.posts).toHaveLength(0);
  });
});
