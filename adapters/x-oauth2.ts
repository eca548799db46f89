/**
 * X's OAuth 2.0 user context, through twitter-api-v2's own helpers: refresh tokens rotate on
 * every use, access tokens last two hours.
 */
import type http from 'node:http';
import type { TwitterApi } from 'twitter-api-v2';
import { RenewalRefusedError, type TokenGrant } from '../src/auth/oauth-tokens.ts';
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
