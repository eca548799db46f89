import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { facebookAdapter } from '../../adapters/facebook.ts';
import { instagramAdapter } from '../../adapters/instagram.ts';
import { threadsAdapter } from '../../adapters/threads.ts';
import { CredentialVault, type ChannelCredentials } from '../../src/auth/channel-credentials.ts';
import { grantCredential, LONG_LIVED_KIND, NON_EXPIRING_KIND } from '../../src/auth/oauth-tokens.ts';
import { secretKeyFromEnv } from '../../src/auth/secret-key.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { invalidToken, startFacebookFake, startInstagramFake, startThreadsFake } from '../fakes/graph-api.ts';
import { channelOf, onlineContext, reasonOf, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const APP = { clientId: '1234567890', clientSecret: `canary-meta-secret-${randomBytes(6).toString('hex')}` };
const USER = '26000000000000001';
const IG_USER = '17841400000000001';
const PAGE = '100000000000001';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let jpeg: Buffer;
beforeAll(async () => {
  jpeg = await sharp({ create: { width: 1080, height: 1080, channels: 3, background: { r: 20, g: 120, b: 200 } } }).jpeg().toBuffer();
});

/** A store holding the channel's credential as `herald auth` leaves it. */
async function storedCredential(channelId: string, token: string, kind: string, lifetimeMs?: number): Promise<ChannelCredentials> {
  const store = SqliteStore.open(':memory:');
  cleanups.push(() => store.close());
  const vault = new CredentialVault(secretKeyFromEnv({ HERALD_SECRET_KEY: randomBytes(32).toString('hex') }));
  vault.store = store;
  const credentials = vault.channel(channelId);
  const grant = { accessToken: token, kind, account: '@astanatimes', ...(lifetimeMs !== undefined && { expiresInSeconds: lifetimeMs / 1000 }) };
  await credentials.write(grantCredential(grant, undefined, Date.now()), 0);
  return credentials;
}

async function threadsChannel(oauth: { longLivedMs: number; minRefreshAgeMs?: number }) {
  const fake = await startThreadsFake({ userId: USER, token: 'static-unused', oauth: { ...APP, ...oauth, username: 'astanatimes' } });
  cleanups.push(() => fake.close());
  const credentials = await storedCredential('threads-main', fake.oauth!.issueLongLived(), LONG_LIVED_KIND, oauth.longLivedMs);
  const channel = channelOf(threadsAdapter, { id: 'threads-main', userId: USER, apiRoot: `${fake.url}/v1.0`, auth: APP });
  const adapter = await threadsAdapter.create(channel, { ...onlineContext(), credentials });
  return { fake, oauth: fake.oauth!, adapter };
}

let n = 0;
const threadsPost = () => renderedPost({ layout: 'text', text: `Story ${++n}`, link: 'https://astanatimes.com/x/' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Threads with a long-lived token from herald auth', () => {
  it('keeps posting across token lifetimes: each token renewed ahead of its expiry, never used expired', async () => {
    // 2-second tokens that Meta renews only once they are 0.4 s old (its 24 hours, scaled).
    const { fake, oauth, adapter } = await threadsChannel({ longLivedMs: 2000, minRefreshAgeMs: 400 });
    const kinds = [];
    for (let i = 0; i < 8; i++) {
      kinds.push((await adapter.send(threadsPost(), sendContext())).kind);
      await sleep(500);
    }
    expect(kinds).toEqual(Array(8).fill('sent'));
    expect(fake.posts).toHaveLength(8);
    expect(oauth.refreshed.length).toBeGreaterThanOrEqual(2);
    expect(oauth.refusedRefreshes).toEqual([]);
    expect(oauth.expiredUses).toEqual([]);
    expect(fake.fake.requests.filter((r) => r.path === '/refresh_access_token').every((r) => r.query.get('grant_type') === 'th_refresh_token')).toBe(true);
  }, 20_000);

  it('a token Threads refuses is renewed once and the post goes out with the new one', async () => {
    const { fake, oauth, adapter } = await threadsChannel({ longLivedMs: 60_000 });
    fake.respondNext(() => invalidToken());
    expect((await adapter.send(threadsPost(), sendContext())).kind).toBe('sent');
    expect(oauth.refreshed).toHaveLength(1);
    expect(fake.posts).toHaveLength(1);
    const used = fake.fake.requests.filter((r) => r.path.endsWith('/threads')).map((r) => r.form?.get('access_token'));
    expect(used).toEqual([oauth.refreshed[0], oauth.issued.at(-1)]);
  });

  it('a renewal refused for good pauses the channel naming `herald auth`, after one attempt', async () => {
    const { fake, oauth, adapter } = await threadsChannel({ longLivedMs: 60_000 });
    oauth.revoke();
    const result = await adapter.send(threadsPost(), sendContext());
    expect(result.kind).toBe('auth');
    expect(reasonOf(result)).toBe(
      "Threads: the channel's token could not be renewed (HTTP 400: Error validating access token: the session is invalid, expired, or too new to be refreshed.); run `herald auth threads-main` to connect the account again",
    );
    expect(oauth.refusedRefreshes).toHaveLength(1);
    expect(fake.posts).toHaveLength(0);
  });

  it('a channel naming the app with nothing stored yet pauses naming `herald auth`', async () => {
    const fake = await startThreadsFake({ userId: USER, token: 'static-unused', oauth: { ...APP, longLivedMs: 60_000, username: 'astanatimes' } });
    cleanups.push(() => fake.close());
    const store = SqliteStore.open(':memory:');
    cleanups.push(() => store.close());
    const vault = new CredentialVault(secretKeyFromEnv({ HERALD_SECRET_KEY: randomBytes(32).toString('hex') }));
    vault.store = store;
    const channel = channelOf(threadsAdapter, { id: 'threads-main', userId: USER, apiRoot: fake.url, auth: APP });
    const adapter = await threadsAdapter.create(channel, { ...onlineContext(), credentials: vault.channel('threads-main') });
    const result = await adapter.send(threadsPost(), sendContext());
    expect(result).toEqual({
      kind: 'auth',
      reason: "Threads: the channel's token could not be renewed (no token is stored for it yet); run `herald auth threads-main` to connect the account again",
    });
    expect(fake.fake.requests).toEqual([]);
  });
});

describe('Instagram with a long-lived token from herald auth', () => {
  async function instagramChannel(oauth: { longLivedMs: number; minRefreshAgeMs?: number }) {
    const fake = await startInstagramFake({ igUserId: IG_USER, token: 'static-unused', oauth: { ...APP, ...oauth, username: 'astanatimes' } });
    cleanups.push(() => fake.close());
    fake.fake.route('GET', '/a.jpg', () => ({ headers: { 'content-type': 'image/jpeg' }, body: jpeg }));
    const credentials = await storedCredential('ig-main', fake.oauth!.issueLongLived(), LONG_LIVED_KIND, oauth.longLivedMs);
    const channel = channelOf(instagramAdapter, { id: 'ig-main', igUserId: IG_USER, apiRoot: `${fake.url}/v25.0`, auth: APP });
    const adapter = await instagramAdapter.create(channel, { ...onlineContext(), credentials });
    const post = () => renderedPost({ layout: 'image', text: `Story ${++n}`, link: 'https://astanatimes.com/x/', imageUrl: `${fake.url}/a.jpg` });
    return { fake, oauth: fake.oauth!, adapter, post };
  }

  it('keeps posting across token lifetimes, renewing with ig_refresh_token ahead of expiry', async () => {
    const { fake, oauth, adapter, post } = await instagramChannel({ longLivedMs: 2000, minRefreshAgeMs: 400 });
    const kinds = [];
    for (let i = 0; i < 6; i++) {
      kinds.push((await adapter.send(post(), sendContext())).kind);
      await sleep(500);
    }
    expect(kinds).toEqual(Array(6).fill('sent'));
    expect(fake.posts).toHaveLength(6);
    expect(oauth.refreshed.length).toBeGreaterThanOrEqual(1);
    expect(oauth.refusedRefreshes).toEqual([]);
    expect(oauth.expiredUses).toEqual([]);
    expect(fake.fake.requests.filter((r) => r.path === '/refresh_access_token').every((r) => r.query.get('grant_type') === 'ig_refresh_token')).toBe(true);
  }, 20_000);

  it('a token Instagram refuses is renewed once; refused again, the channel pauses without a second renewal', async () => {
    const { fake, oauth, adapter, post } = await instagramChannel({ longLivedMs: 60_000 });
    fake.respondNext(() => invalidToken());
    expect((await adapter.send(post(), sendContext())).kind).toBe('sent');
    expect(oauth.refreshed).toHaveLength(1);

    // Refused, renewed (answered as usual), refused again.
    fake.respondNext(() => invalidToken());
    fake.respondNext(() => undefined);
    fake.respondNext(() => invalidToken());
    const result = await adapter.send(post(), sendContext());
    expect(result.kind).toBe('auth');
    expect(reasonOf(result)).toMatch(/^Instagram refused the access token: Invalid OAuth access token .*; run `herald auth ig-main` to connect the account again$/);
    expect(oauth.refreshed).toHaveLength(2);
    expect(fake.posts).toHaveLength(1);
  });
});

describe('Facebook with the Page token from herald auth', () => {
  async function facebookChannel() {
    const fake = await startFacebookFake({ pageId: PAGE, token: 'static-unused', oauth: { ...APP, longLivedMs: 60_000, pageName: 'The Astana Times' } });
    cleanups.push(() => fake.close());
    const pageToken = fake.oauth!.issueLongLived();
    const credentials = await storedCredential('fb-main', pageToken, NON_EXPIRING_KIND);
    const channel = channelOf(facebookAdapter, { id: 'fb-main', pageId: PAGE, apiRoot: `${fake.url}/v25.0`, auth: APP });
    const adapter = await facebookAdapter.create(channel, { ...onlineContext(), credentials });
    return { fake, oauth: fake.oauth!, adapter, pageToken };
  }

  it('posts with the stored Page token', async () => {
    const { fake, adapter, pageToken } = await facebookChannel();
    const result = await adapter.send(renderedPost({ layout: 'feed', text: 'Story', link: 'https://astanatimes.com/x/' }), sendContext());
    expect(result.kind).toBe('sent');
    expect(fake.posts).toHaveLength(1);
    expect(fake.fake.requests.at(-1)?.form?.get('access_token')).toBe(pageToken);
  });

  it('a Page token Facebook refuses pauses the channel naming `herald auth`, with no renewal tried', async () => {
    const { fake, oauth, adapter, pageToken } = await facebookChannel();
    oauth.revoke();
    const result = await adapter.send(renderedPost({ layout: 'feed', text: 'Story', link: 'https://astanatimes.com/x/' }), sendContext());
    expect(result.kind).toBe('auth');
    expect(reasonOf(result)).toMatch(/^Facebook refused the access token: .*; run `herald auth fb-main` to connect the Page again$/);
    expect(reasonOf(result)).not.toContain(pageToken);
    expect(fake.fake.requests.map((r) => r.path)).toEqual([`/v25.0/${PAGE}/feed`]);
  });
});
