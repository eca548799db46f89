import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { linkedinAdapter, resultForLinkedInError } from '../../adapters/linkedin.ts';
import { CredentialVault } from '../../src/auth/channel-credentials.ts';
import { secretKeyFromEnv } from '../../src/auth/secret-key.ts';
import { channelSchemaFor } from '../../src/config/schema.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { startLinkedInFake, type LinkedInOAuthOptions } from '../fakes/linkedin-api.ts';
import { channelOf, onlineContext, reasonOf, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const AUTHOR = 'urn:li:organization:2414183';
const APP = { clientId: '86herald', clientSecret: `canary-linkedin-secret-${randomBytes(6).toString('hex')}` };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setUp(oauth: Partial<LinkedInOAuthOptions> = {}) {
  const fake = await startLinkedInFake({
    token: 'static-token-unused',
    oauth: { ...APP, accessLifetimeMs: 1000, programmaticRefresh: true, member: { sub: 'aB3xYz', name: 'Aigerim Sarsenova' }, ...oauth },
  });
  cleanups.push(() => fake.close());
  const store = SqliteStore.open(':memory:');
  cleanups.push(() => store.close());
  const vault = new CredentialVault(secretKeyFromEnv({ HERALD_SECRET_KEY: randomBytes(32).toString('hex') }));
  vault.store = store;
  const seed = fake.oauth!.issueRefreshToken();
  const channel = channelOf(linkedinAdapter, { id: 'li-page', author: AUTHOR, apiRoot: fake.url, auth: { ...APP, refreshToken: seed } });
  const credentials = vault.channel('li-page');
  const adapter = await linkedinAdapter.create(channel, { ...onlineContext(), credentials });
  return { fake, adapter, seed, credentials };
}

let n = 0;
const post = () => renderedPost({ layout: 'article', text: `Story ${++n}`, link: 'https://astanatimes.com/x/', title: `Story ${n}` });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('linkedin channel config', () => {
  it('takes a static token or an app, and says which keys LinkedIn takes when a set is mixed or incomplete', () => {
    const parse = (auth: object) => channelSchemaFor(linkedinAdapter).safeParse({ id: 'li', platform: 'linkedin', author: AUTHOR, auth });
    expect(parse({ accessToken: 'AQV' }).success).toBe(true);
    expect(parse({ clientId: 'id', clientSecret: 'secret' }).success).toBe(true);
    expect(parse({ clientId: 'id', clientSecret: 'secret', refreshToken: 'seed' }).success).toBe(true);
    const problems = (auth: object) => parse(auth).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    const which =
      'LinkedIn takes either accessToken (a 60-day token you renew by hand), or clientId, clientSecret and optionally refreshToken (an app whose tokens Herald keeps in the store and renews where LinkedIn allows, connected with `herald auth CHANNEL`)';
    expect(problems({})).toEqual([`auth.accessToken: required: ${which}`]);
    expect(problems({ accessToken: 'AQV', clientId: 'id', clientSecret: 'secret' })).toEqual([`auth.accessToken: not with clientId: ${which}`]);
    expect(problems({ clientId: 'id' })).toEqual([`auth.clientSecret: required: ${which}`]);
    expect(problems({ refreshToken: 'seed' })).toEqual([`auth.clientId: required: ${which}`, `auth.clientSecret: required: ${which}`]);
  });

  it('treats 401 and the revoked or expired token codes as a refused token', () => {
    const refused = (status: number, code: string) => resultForLinkedInError(status, { status, code, message: 'no' }, new Headers(), 'run `herald auth li`').kind;
    expect(refused(401, 'REVOKED_ACCESS_TOKEN')).toBe('auth');
    expect(refused(401, 'EXPIRED_ACCESS_TOKEN')).toBe('auth');
    expect(refused(400, 'REVOKED_ACCESS_TOKEN')).toBe('auth');
    expect(refused(400, 'ILLEGAL_ARGUMENT')).toBe('permanent');
  });
});

describe('linkedin adapter with renewed tokens', () => {
  it('keeps posting across token lifetimes, renewing with the refresh token LinkedIn keeps', async () => {
    const { fake, adapter, seed, credentials } = await setUp();
    const kinds = [];
    for (let i = 0; i < 6; i++) {
      kinds.push((await adapter.send(post(), sendContext())).kind);
      await pause(450);
    }
    expect(kinds).toEqual(Array(6).fill('sent'));
    expect(fake.posts).toHaveLength(6);
    expect(fake.oauth!.refreshed.length).toBeGreaterThanOrEqual(3);
    expect(new Set(fake.oauth!.refreshed)).toEqual(new Set([seed]));
    expect((await credentials.read())?.tokens.refreshToken).toBe(seed);
  }, 20_000);

  it('takes a new refresh token when LinkedIn answers one, and spends each once', async () => {
    const { fake, adapter, seed, credentials } = await setUp({ rotateRefreshTokens: true });
    for (let i = 0; i < 3; i++) {
      expect((await adapter.send(post(), sendContext())).kind).toBe('sent');
      await pause(1000);
    }
    const refreshed = fake.oauth!.refreshed;
    expect(refreshed[0]).toBe(seed);
    expect(refreshed.length).toBeGreaterThanOrEqual(2);
    expect(new Set(refreshed).size).toBe(refreshed.length);
    const newest = fake.oauth!.issued.filter((t) => t.startsWith('AQX.refresh.')).at(-1);
    expect(newest).not.toBe(seed);
    expect((await credentials.read())?.tokens.refreshToken).toBe(newest);
  }, 20_000);

  it('renews once and posts when LinkedIn refuses a token that had time left', async () => {
    const { fake, adapter } = await setUp({ accessLifetimeMs: 3_600_000 });
    expect((await adapter.send(post(), sendContext())).kind).toBe('sent');
    fake.oauth!.expireAccessTokens();
    const refreshesBefore = fake.oauth!.refreshed.length;
    expect((await adapter.send(post(), sendContext())).kind).toBe('sent');
    expect(fake.oauth!.refreshed.length).toBe(refreshesBefore + 1);
    expect(fake.posts).toHaveLength(2);
  });

  it('a renewal LinkedIn refuses for good pauses the channel with `herald auth CHANNEL`, the secret never shown', async () => {
    const { fake, adapter } = await setUp({ accessLifetimeMs: 3_600_000 });
    expect((await adapter.send(post(), sendContext())).kind).toBe('sent');
    fake.oauth!.revokeRefreshTokens();
    fake.oauth!.expireAccessTokens();
    const result = await adapter.send(post(), sendContext());
    expect(result.kind).toBe('auth');
    expect(reasonOf(result)).toBe(
      "LinkedIn: the channel's token cannot be renewed (LinkedIn would not renew it: HTTP 400: The provided authorization grant or refresh token is invalid, expired or revoked.); run `herald auth li-page` to connect the account again",
    );
    expect(reasonOf(result)).not.toContain(APP.clientSecret);
    expect(fake.posts).toHaveLength(1);
  });

  it('a token endpoint that fails on the way is retried, not a pause', async () => {
    const { fake, adapter } = await setUp();
    fake.respondNext(() => ({ status: 503, body: { error: 'temporarily_unavailable', error_description: 'Service Unavailable' } }));
    const result = await adapter.send(post(), sendContext());
    expect(result.kind).toBe('retry');
    expect(reasonOf(result)).toBe("the channel's LinkedIn token could not be renewed: LinkedIn's token endpoint failed (HTTP 503: Service Unavailable)");
    expect((await adapter.send(post(), sendContext())).kind).toBe('sent');
  });
});
