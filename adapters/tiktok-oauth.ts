/**
 * TikTok's OAuth v2 token endpoint: access tokens last 2 hours, refresh tokens 180 days and
 * rotate on every refresh.
 */
import { RenewalRefusedError, type TokenGrant } from '../src/auth/oauth-tokens.ts';
import { OperationalError } from '../src/errors.ts';
import type { OAuthFlow } from '../src/platform.ts';
import { describeError } from './http-errors.ts';
import { platformFetch } from './platform-fetch.ts';

/** Renew an access token at most this long before it expires. */
export const TIKTOK_RENEW_AHEAD_MS = 10 * 60_000;

interface TokenAnswer {
  access_token?: string;
  expires_in?: number;
  refresh_token?: string;
  open_id?: string;
  error?: string;
  error_description?: string;
}

/** Spends `refreshToken` at POST /v2/oauth/token/ for a new access token and the refresh token that replaces it. */
export async function refreshTikTokToken(root: string, app: { clientKey: string; clientSecret: string }, refreshToken: string): Promise<TokenGrant> {
  let response: Response;
  let answer: TokenAnswer | undefined;
  try {
    response = await platformFetch(`${root}/v2/oauth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_key: app.clientKey, client_secret: app.clientSecret, grant_type: 'refresh_token', refresh_token: refreshToken }),
      signal: AbortSignal.timeout(20_000),
    });
    answer = (await response.json().catch(() => undefined)) as TokenAnswer | undefined;
  } catch (err) {
    throw new Error(`TikTok's token endpoint could not be reached at ${root}: ${describeError(err)}`);
  }
  if (answer?.access_token) {
    return {
      accessToken: answer.access_token,
      ...(answer.refresh_token && { refreshToken: answer.refresh_token }),
      ...(answer.expires_in !== undefined && { expiresInSeconds: answer.expires_in }),
    };
  }
  const why = `HTTP ${response.status}: ${answer?.error_description ?? answer?.error ?? 'no token in the answer'}`;
  if (response.status >= 500 || response.status === 429) throw new Error(`TikTok's token endpoint failed (${why})`);
  throw new RenewalRefusedError(why);
}

const AUTHORIZE_URL = 'https://www.tiktok.com/v2/auth/authorize/';
/** What `herald auth` asks for: who the account is, and photo posting. */
export const TIKTOK_SCOPES = ['user.info.basic', 'video.publish'];

interface TikTokChannel {
  apiRoot?: string | undefined;
  authorizeUrl?: string | undefined;
  redirectUri?: string | undefined;
  auth: { clientId?: string | undefined; clientSecret?: string | undefined };
}

/** `herald auth` for TikTok: OAuth v2 authorization code (a web app's, with its secret), then /v2/user/info/ for the account. */
export function tiktokOAuthFlow(defaultRoot: string): OAuthFlow<TikTokChannel> {
  return {
    uses: (channel) => channel.auth.clientId !== undefined,
    redirectUri: (channel) => channel.redirectUri,
    async start(channel, { redirectUri, state }) {
      const url = new URL(channel.authorizeUrl ?? AUTHORIZE_URL);
      url.search = new URLSearchParams({ client_key: channel.auth.clientId!, scope: TIKTOK_SCOPES.join(','), response_type: 'code', redirect_uri: redirectUri, state }).toString();
      return { url: url.toString() };
    },
    async exchange(channel, { code, redirectUri }) {
      const root = (channel.apiRoot ?? defaultRoot).replace(/\/+$/, '');
      const fail = (why: string) =>
        new OperationalError(`TikTok refused the authorization (${why})`, 'check auth.clientId, auth.clientSecret and the redirect URI registered with the app, then run `herald auth` again');
      let answer: TokenAnswer | undefined;
      let user: { data?: { user?: { display_name?: string; open_id?: string } } } | undefined;
      try {
        const response = await platformFetch(`${root}/v2/oauth/token/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ client_key: channel.auth.clientId!, client_secret: channel.auth.clientSecret ?? '', code, grant_type: 'authorization_code', redirect_uri: redirectUri }),
        });
        answer = (await response.json().catch(() => undefined)) as TokenAnswer | undefined;
        if (!answer?.access_token) throw fail(`HTTP ${response.status}: ${answer?.error_description ?? answer?.error ?? 'no token in the answer'}`);
        const me = await platformFetch(`${root}/v2/user/info/?fields=open_id,display_name`, { headers: { authorization: `Bearer ${answer.access_token}` } });
        user = (await me.json().catch(() => undefined)) as typeof user;
      } catch (err) {
        if (err instanceof OperationalError) throw err;
        throw new OperationalError(`TikTok could not be reached at ${root} to finish the authorization: ${describeError(err)}`, 'check apiRoot and the network, then run `herald auth` again');
      }
      const account = user?.data?.user?.display_name ?? user?.data?.user?.open_id ?? answer.open_id;
      if (!account) throw fail('it did not say whose account the tokens are for');
      return {
        accessToken: answer.access_token,
        ...(answer.refresh_token && { refreshToken: answer.refresh_token }),
        ...(answer.expires_in !== undefined && { expiresInSeconds: answer.expires_in }),
        account,
      };
    },
  };
}
