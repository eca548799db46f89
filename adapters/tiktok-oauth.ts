/**
 * TikTok's OAuth v2 token endpoint: access tokens last 2 hours, refresh tokens 180 days and
 * rotate on every refresh.
 */
import { RenewalRefusedError, type TokenGrant } from '../src/auth/oauth-tokens.ts';
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
