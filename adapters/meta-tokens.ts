/**
 * The token a Meta channel (Threads, Instagram, Facebook) sends: the one in its config, or
 * the one `herald auth` stored. Threads' and Instagram's long-lived tokens (60 days) renew
 * themselves with no refresh token: the token is spent for its successor.
 */
import { LONG_LIVED_KIND, OAuthTokens, RenewalRefusedError, type TokenGrant } from '../src/auth/oauth-tokens.ts';
import type { AdapterContext } from '../src/platform.ts';
import { metaRequest, metaWhy } from './meta-oauth.ts';

export interface GraphTokens {
  /** The token to send, and the stored version it is (0 for one from the config). */
  current(): Promise<{ token: string; version: number }>;
  /** After Graph refused the token of `version`: a renewed one. Absent where the token cannot renew itself. */
  refused?(version: number): Promise<{ token: string; version: number }>;
}

/**
 * A long-lived token is renewed once fewer than 30 of its 60 days remain: half its life, so
 * always past the 24 hours Meta wants a token to have lived before it renews it, and a month
 * ahead of the day a worker that was down for weeks would find it expired.
 */
export const LONG_LIVED_RENEW_AHEAD_MS = 30 * 86_400_000;
const RENEW_AHEAD_SHARE = 1 / 2;

export function configuredToken(token: string): GraphTokens {
  const fixed = { token, version: 0 };
  return { current: async () => fixed };
}

/**
 * The stored token. With `refresh` (which spends the token for its successor) it is renewed
 * ahead of expiry and once after a refusal; without (a Page token), only `herald auth` renews it.
 */
export async function storedTokens(channelId: string, ctx: AdapterContext, refresh?: (token: string) => Promise<TokenGrant>): Promise<GraphTokens> {
  if (ctx.offline) return { current: () => Promise.reject(new Error('offline')) };
  const credentials = ctx.credentials;
  if (!credentials) throw new Error(`channel ${channelId}: tokens from \`herald auth\` need the store, which is not open`);
  await credentials.checkKey();
  if (!refresh) {
    return {
      async current() {
        const stored = await credentials.read();
        const token = stored?.tokens.accessToken;
        if (!stored || !token) throw new RenewalRefusedError('no token is stored for it yet');
        return { token, version: stored.version };
      },
    };
  }
  const tokens = new OAuthTokens(credentials, { refresh, renewWith: 'accessToken', renewAheadMs: LONG_LIVED_RENEW_AHEAD_MS, renewAheadShare: RENEW_AHEAD_SHARE });
  return { current: () => tokens.accessToken(), refused: (version) => tokens.refused(version) };
}

/**
 * Spends a long-lived token at GET {root}/refresh_access_token (Threads `th_refresh_token`,
 * Instagram `ig_refresh_token`) for one valid 60 days from now.
 */
export async function refreshLongLivedToken(platform: string, root: string, grantType: string, token: string): Promise<TokenGrant> {
  const { status, body } = await metaRequest(`${root}/refresh_access_token?${new URLSearchParams({ grant_type: grantType, access_token: token })}`);
  const accessToken = body?.access_token;
  if (typeof accessToken === 'string' && accessToken !== '') {
    return { accessToken, kind: LONG_LIVED_KIND, ...(typeof body?.expires_in === 'number' && { expiresInSeconds: body.expires_in }) };
  }
  const why = metaWhy(status, body);
  if (status >= 500 || status === 429) throw new Error(`${platform}'s token endpoint failed (${why})`);
  throw new RenewalRefusedError(why);
}
