/**
 * X's OAuth 2.0 user context, through twitter-api-v2's own helpers: refresh tokens rotate on
 * every use, access tokens last two hours.
 */
import httpModule from 'node:http';
import type http from 'node:http';
import type { TwitterApi } from 'twitter-api-v2';
import { RenewalRefusedError, type TokenGrant } from '../src/auth/oauth-tokens.ts';
import { OperationalError } from '../src/errors.ts';
import type { OAuthFlow } from '../src/platform.ts';
import { describeError } from './http-errors.ts';
import { towardsApiRoot } from './x-api-root.ts';

type Lib = Pick<typeof import('twitter-api-v2'), 'TwitterApi' | 'ApiResponseError'>;

export interface XApp {
  clientId: string;
  clientSecret?: string;
}

/** Renew an access token at most this long before it expires. */
export const X_RENEW_AHEAD_MS = 5 * 60_000;

/** A client that speaks to X's token endpoint as the app (HTTP Basic with the client secret). */
export function appClient(lib: Lib, app: XApp, apiRoot: string, httpAgent: http.Agent | undefined): TwitterApi {
  return new lib.TwitterApi(
    { clientId: app.clientId, ...(app.clientSecret !== undefined && { clientSecret: app.clientSecret }) },
    { plugins: [towardsApiRoot(apiRoot)], ...(httpAgent && { httpAgent }) },
  );
}

/** Spends `refreshToken` for a new access token and the refresh token that replaces it. */
export async function refreshXToken(lib: Lib, client: TwitterApi, refreshToken: string): Promise<TokenGrant> {
  try {
    const result = await client.refreshOAuth2Token(refreshToken);
    return { accessToken: result.accessToken, ...(result.refreshToken && { refreshToken: result.refreshToken }), expiresInSeconds: result.expiresIn };
  } catch (err) {
    if (err instanceof lib.ApiResponseError && err.code >= 400 && err.code < 500 && err.code !== 429) {
      const data = err.data as { error?: string; error_description?: string };
      throw new RenewalRefusedError(`HTTP ${err.code}: ${data.error_description ?? data.error ?? 'refused'}`);
    }
    throw new Error(`X's token endpoint failed: ${describeError(err)}`);
  }
}

/** The scopes `herald auth` asks for: posting with media, reading who posts, and refresh (offline.access). */
export const X_SCOPES = ['tweet.write', 'tweet.read', 'users.read', 'offline.access', 'media.write'];
const AUTHORIZE_URL = 'https://x.com/i/oauth2/authorize';

interface XChannel {
  apiRoot?: string | undefined;
  authorizeUrl?: string | undefined;
  redirectUri?: string | undefined;
  auth: { clientId?: string | undefined; clientSecret?: string | undefined };
}

function clientFor(lib: Lib, channel: XChannel, defaultApiRoot: string): { client: TwitterApi; agent: http.Agent | undefined } {
  const apiRoot = (channel.apiRoot ?? defaultApiRoot).replace(/\/+$/, '');
  const agent = apiRoot.startsWith('http://') ? new httpModule.Agent() : undefined;
  const app = { clientId: channel.auth.clientId!, ...(channel.auth.clientSecret !== undefined && { clientSecret: channel.auth.clientSecret }) };
  return { client: appClient(lib, app, apiRoot, agent), agent };
}

/** `herald auth` for X: authorization code with PKCE (S256), then GET /2/users/me for the account. */
export function xOAuthFlow(defaultApiRoot: string): OAuthFlow<XChannel> {
  return {
    uses: (channel) => channel.auth.clientId !== undefined,
    redirectUri: (channel) => channel.redirectUri,
    async start(channel, { redirectUri, state }) {
      const lib = await import('twitter-api-v2');
      const { client, agent } = clientFor(lib, channel, defaultApiRoot);
      agent?.destroy();
      const link = client.generateOAuth2AuthLink(redirectUri, { scope: X_SCOPES, state });
      const url = new URL(link.url);
      const page = new URL(channel.authorizeUrl ?? AUTHORIZE_URL);
      page.search = url.search;
      return { url: page.toString(), verifier: link.codeVerifier };
    },
    async exchange(channel, { code, redirectUri, verifier }) {
      const lib = await import('twitter-api-v2');
      const { client, agent } = clientFor(lib, channel, defaultApiRoot);
      try {
        const result = await client.loginWithOAuth2({ code, redirectUri, codeVerifier: verifier ?? '' });
        const me = await result.client.v2.me();
        return {
          accessToken: result.accessToken,
          ...(result.refreshToken && { refreshToken: result.refreshToken }),
          expiresInSeconds: result.expiresIn,
          account: `@${me.data.username}`,
        };
      } catch (err) {
        if (err instanceof lib.ApiResponseError) {
          const data = err.data as { error?: string; error_description?: string; detail?: string };
          throw new OperationalError(
            `X refused the authorization (HTTP ${err.code}: ${data.error_description ?? data.detail ?? data.error ?? 'refused'})`,
            'check auth.clientId and auth.clientSecret against the app, then run `herald auth` again',
          );
        }
        throw new OperationalError(`X could not be reached to finish the authorization: ${describeError(err)}`, 'check apiRoot and the network, then run `herald auth` again');
      } finally {
        agent?.destroy();
      }
    },
  };
}
