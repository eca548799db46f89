/**
 * `herald auth` for Instagram (API with Instagram Login): the authorization code → a
 * short-lived token at api.instagram.com (a host of its own: the channel's `tokenUrl`) → a
 * long-lived one (60 days, `ig_exchange_token`), renewed by Herald with `ig_refresh_token`.
 * https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login
 */
import { LONG_LIVED_KIND, type TokenGrant } from '../src/auth/oauth-tokens.ts';
import { OperationalError } from '../src/errors.ts';
import type { OAuthFlow } from '../src/platform.ts';
import { authorizationUrl, metaExchange, metaRequest, metaWhy, stringOf, unversioned, type MetaAppChannel } from './meta-oauth.ts';
import { refreshLongLivedToken } from './meta-tokens.ts';

export const INSTAGRAM_AUTHORIZE_URL = 'https://www.instagram.com/oauth/authorize';
export const INSTAGRAM_TOKEN_URL = 'https://api.instagram.com/oauth/access_token';
export const INSTAGRAM_SCOPES = ['instagram_business_basic', 'instagram_business_content_publish'];

export function refreshInstagramToken(root: string, token: string): Promise<TokenGrant> {
  return refreshLongLivedToken('Instagram', unversioned(root), 'ig_refresh_token', token);
}

/** The code exchange answers `{data: [{access_token, user_id, permissions}]}` (older answers: the object alone). */
function shortLivedToken(body: Record<string, unknown> | undefined): string | undefined {
  const entry = Array.isArray(body?.data) ? (body.data[0] as Record<string, unknown> | undefined) : body;
  return stringOf(entry?.access_token);
}

export function instagramOAuthFlow(defaultRoot: string): OAuthFlow<MetaAppChannel & { igUserId: string; tokenUrl?: string | undefined }> {
  return {
    uses: (channel) => channel.auth.clientId !== undefined,
    redirectUri: (channel) => channel.redirectUri,
    start: async (channel, opts) => ({ url: authorizationUrl(channel.authorizeUrl ?? INSTAGRAM_AUTHORIZE_URL, channel, INSTAGRAM_SCOPES, opts) }),
    async exchange(channel, { code, redirectUri }) {
      const root = (channel.apiRoot ?? defaultRoot).replace(/\/+$/, '');
      const { clientId, clientSecret } = channel.auth as { clientId: string; clientSecret: string };
      return metaExchange('Instagram', root, async (refused) => {
        const short = await metaRequest(channel.tokenUrl ?? INSTAGRAM_TOKEN_URL, {
          method: 'POST',
          body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, grant_type: 'authorization_code', redirect_uri: redirectUri, code }),
        });
        const shortToken = shortLivedToken(short.body) ?? refused(metaWhy(short.status, short.body));
        const long = await metaRequest(
          `${unversioned(root)}/access_token?${new URLSearchParams({ grant_type: 'ig_exchange_token', client_secret: clientSecret, access_token: shortToken })}`,
        );
        const accessToken = stringOf(long.body?.access_token) ?? refused(`the long-lived token: ${metaWhy(long.status, long.body)}`);
        const me = await metaRequest(`${root}/me?${new URLSearchParams({ fields: 'user_id,username', access_token: accessToken })}`);
        const userId = stringOf(me.body?.user_id) ?? refused(`who the token is for: ${metaWhy(me.status, me.body)}`);
        const account = `@${stringOf(me.body?.username) ?? userId}`;
        if (channel.igUserId !== userId) {
          throw new OperationalError(
            `the Instagram account allowed is ${account} (igUserId ${userId}), but channel ${channel.id} posts as igUserId ${channel.igUserId}`,
            `sign in to Instagram as that account and run \`herald auth ${channel.id}\` again, or set igUserId: "${userId}"`,
          );
        }
        const expiresIn = long.body?.expires_in;
        return { accessToken, kind: LONG_LIVED_KIND, account, ...(typeof expiresIn === 'number' && { expiresInSeconds: expiresIn }) };
      });
    },
  };
}
