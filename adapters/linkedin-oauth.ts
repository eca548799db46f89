/**
 * LinkedIn's 3-legged OAuth 2.0: the authorization page and the token endpoint live on
 * www.linkedin.com (`oauthRoot`), the account on the API host (`GET /v2/userinfo`). Access
 * tokens last 60 days; only apps approved for programmatic refresh also get a refresh token
 * (365 days from the first authorization, not renewed by use, not rotated).
 * https://learn.microsoft.com/linkedin/shared/authentication/authorization-code-flow
 * https://learn.microsoft.com/linkedin/shared/authentication/programmatic-refresh-tokens
 */
import { ACCESS_ONLY_KIND, OAuthTokens, RenewalRefusedError, type TokenGrant } from '../src/auth/oauth-tokens.ts';
import { OperationalError } from '../src/errors.ts';
import type { AdapterContext, OAuthFlow } from '../src/platform.ts';
import { describeError } from './http-errors.ts';
import { platformFetch } from './platform-fetch.ts';
import { renewing } from './token-renewal.ts';

export const LINKEDIN_OAUTH_ROOT = 'https://www.linkedin.com';
/** Renew at most this long before the access token expires (a tenth of its life when that is shorter: 6 of 60 days). */
export const LINKEDIN_RENEW_AHEAD_MS = 7 * 24 * 60 * 60 * 1000;
const TOKEN_TIMEOUT_MS = 20_000;

/** Reading who the member is (OpenID Connect), and posting as them; an organization author also needs the Page scope. */
export function linkedinScopes(author: string): string[] {
  const person = ['openid', 'profile', 'w_member_social'];
  return author.startsWith('urn:li:organization:') ? [...person, 'w_organization_social'] : person;
}

export interface LinkedInApp {
  clientId: string;
  clientSecret: string;
}

interface LinkedInOAuthChannel {
  id: string;
  author: string;
  apiRoot?: string | undefined;
  oauthRoot?: string | undefined;
  authorizeUrl?: string | undefined;
  redirectUri?: string | undefined;
  auth: { accessToken?: string | undefined; clientId?: string | undefined; clientSecret?: string | undefined; refreshToken?: string | undefined };
}

const trimmed = (root: string) => root.replace(/\/+$/, '');

/** Where the token endpoint is: `oauthRoot`, else the `apiRoot` (a proxy or test fake standing in for both), else www.linkedin.com. */
export function tokenRootOf(channel: Pick<LinkedInOAuthChannel, 'apiRoot' | 'oauthRoot'>): string {
  return trimmed(channel.oauthRoot ?? channel.apiRoot ?? LINKEDIN_OAUTH_ROOT);
}

interface TokenAnswer {
  access_token?: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  error?: string;
  error_description?: string;
}

/** One POST to /oauth/v2/accessToken; the answer and its HTTP status, or a network failure as thrown. */
async function askForToken(root: string, form: Record<string, string>): Promise<{ status: number; answer: TokenAnswer | undefined }> {
  const response = await platformFetch(`${root}/oauth/v2/accessToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
  });
  return { status: response.status, answer: (await response.json().catch(() => undefined)) as TokenAnswer | undefined };
}

function grantOf(answer: TokenAnswer & { access_token: string }): TokenGrant {
  return {
    accessToken: answer.access_token,
    ...(answer.refresh_token && { refreshToken: answer.refresh_token }),
    ...(answer.expires_in !== undefined && { expiresInSeconds: answer.expires_in }),
  };
}

const why = (status: number, answer: TokenAnswer | undefined) => `HTTP ${status}: ${answer?.error_description ?? answer?.error ?? 'no token in the answer'}`;

/** Spends `refreshToken` (grant_type=refresh_token) for a new access token; LinkedIn keeps the refresh token, but a new one in the answer replaces it. */
export async function refreshLinkedInToken(root: string, app: LinkedInApp, refreshToken: string): Promise<TokenGrant> {
  let reply: Awaited<ReturnType<typeof askForToken>>;
  try {
    reply = await askForToken(root, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.clientId, client_secret: app.clientSecret });
  } catch (err) {
    throw new Error(`LinkedIn's token endpoint could not be reached at ${root}: ${describeError(err)}`);
  }
  const { status, answer } = reply;
  if (answer?.access_token) return grantOf({ ...answer, access_token: answer.access_token });
  if (status >= 500 || status === 429) throw new Error(`LinkedIn's token endpoint failed (${why(status, answer)})`);
  throw new RenewalRefusedError(why(status, answer));
}

/** `herald auth` for LinkedIn: authorization code (with the app's secret), then /v2/userinfo for the member the tokens post as. */
export function linkedinOAuthFlow(defaultApiRoot: string): OAuthFlow<LinkedInOAuthChannel> {
  return {
    uses: (channel) => channel.auth.clientId !== undefined,
    redirectUri: (channel) => channel.redirectUri,
    async start(channel, { redirectUri, state }) {
      const url = new URL(channel.authorizeUrl ?? `${trimmed(channel.oauthRoot ?? LINKEDIN_OAUTH_ROOT)}/oauth/v2/authorization`);
      const query = new URLSearchParams({ response_type: 'code', client_id: channel.auth.clientId!, redirect_uri: redirectUri, state, scope: linkedinScopes(channel.author).join(' ') });
      // LinkedIn's examples separate scopes with %20; URLSearchParams writes a space as "+" (a literal "+" is %2B).
      url.search = query.toString().replace(/\+/g, '%20');
      return { url: url.toString() };
    },
    async exchange(channel, { code, redirectUri }) {
      const tokenRoot = tokenRootOf(channel);
      const apiRoot = trimmed(channel.apiRoot ?? defaultApiRoot);
      const fail = (reason: string) =>
        new OperationalError(
          `LinkedIn refused the authorization (${reason})`,
          'check auth.clientId, auth.clientSecret and the redirect URL registered on the app\'s Auth tab, then run `herald auth` again',
        );
      let reply: Awaited<ReturnType<typeof askForToken>>;
      let member: { sub?: string; name?: string } | undefined;
      try {
        reply = await askForToken(tokenRoot, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          client_id: channel.auth.clientId!,
          client_secret: channel.auth.clientSecret ?? '',
        });
        if (!reply.answer?.access_token) throw fail(why(reply.status, reply.answer));
        const me = await platformFetch(`${apiRoot}/v2/userinfo`, { headers: { authorization: `Bearer ${reply.answer.access_token}` } });
        member = me.ok ? ((await me.json().catch(() => undefined)) as typeof member) : undefined;
      } catch (err) {
        if (err instanceof OperationalError) throw err;
        throw new OperationalError(`LinkedIn could not be reached to finish the authorization: ${describeError(err)}`, 'check apiRoot, oauthRoot and the network, then run `herald auth` again');
      }
      if (!member?.sub) throw fail('it did not say whose account the tokens are for: the app needs the product "Sign In with LinkedIn using OpenID Connect"');
      const person = `urn:li:person:${member.sub}`;
      if (channel.author.startsWith('urn:li:person:') && channel.author !== person) {
        throw new OperationalError(
          `the browser was signed in to LinkedIn as ${member.name ?? person} (${person}), but channel ${channel.id} posts as ${channel.author}`,
          `sign in to LinkedIn as that member and run \`herald auth ${channel.id}\` again, or set author: ${person}`,
        );
      }
      return { ...grantOf({ ...reply.answer, access_token: reply.answer.access_token! }), account: member.name ? `${member.name} (${person})` : person };
    },
  };
}

export interface LinkedInTokens {
  /** False for a static `auth.accessToken`: a refusal then needs a new token in the config. */
  renews: boolean;
  current(): Promise<{ token: string; version: number }>;
  /** After LinkedIn refused the token of `version`: a renewed one (RenewalRefusedError when it cannot be). */
  refused(version: number): Promise<{ token: string; version: number }>;
  /** Why a renewal was refused, as the operator should read it. */
  refusal(err: RenewalRefusedError): Promise<string>;
}

/** The configured access token, or the stored one Herald renews with the app's client id where LinkedIn gave a refresh token. */
export async function linkedinTokens(channel: LinkedInOAuthChannel, ctx: AdapterContext): Promise<LinkedInTokens> {
  const { auth } = channel;
  if (auth.accessToken !== undefined) {
    const fixed = { token: auth.accessToken, version: 0 };
    return { renews: false, current: async () => fixed, refused: async () => fixed, refusal: async (err) => err.message };
  }
  const offline = () => Promise.reject(new Error('offline'));
  if (ctx.offline) return { renews: true, current: offline, refused: offline, refusal: async (err) => err.message };
  const credentials = ctx.credentials;
  if (!credentials) throw new Error(`channel ${channel.id}: LinkedIn tokens kept by Herald need the store, which is not open`);
  await credentials.checkKey();
  const app = { clientId: auth.clientId!, clientSecret: auth.clientSecret! };
  const root = tokenRootOf(channel);
  const tokens = new OAuthTokens(credentials, {
    ...(auth.refreshToken !== undefined && { seedRefreshToken: auth.refreshToken }),
    refresh: (refreshToken) => refreshLinkedInToken(root, app, refreshToken),
    renewAheadMs: LINKEDIN_RENEW_AHEAD_MS,
  });
  return {
    renews: true,
    current: () => renewing(() => tokens.accessToken()),
    refused: (version) => renewing(() => tokens.refused(version)),
    async refusal(err) {
      const stored = await credentials.read().catch(() => undefined);
      if (stored?.kind !== ACCESS_ONLY_KIND) return `LinkedIn would not renew it: ${err.message}`;
      return 'its access token expired or was refused, and LinkedIn gives this app no refresh token (programmatic refresh is for approved partners only)';
    },
  };
}
