/**
 * `herald auth` for Threads: the authorization code → a short-lived token (1 hour) → a
 * long-lived one (60 days, `th_exchange_token`), renewed by Herald with `th_refresh_token`.
 * https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
 */
import { LONG_LIVED_KIND, type TokenGrant } from '../src/auth/oauth-tokens.ts';
import { OperationalError } from '../src/errors.ts';
import type { OAuthFlow } from '../src/platform.ts';
import { authorizationUrl, metaExchange, metaRequest, metaWhy, stringOf, unversioned, type MetaAppChannel } from './meta-oauth.ts';
import { refreshLongLivedToken } from './meta-tokens.ts';

export const THREADS_AUTHORIZE_URL = 'https://threads.com/oauth/authorize';
export const THREADS_SCOPES = ['threads_basic', 'threads_content_publish'];

export function refreshThreadsToken(root: string, token: string): Promise<TokenGrant> {
  return refreshLongLivedToken('Threads', unversioned(root), 'th_refresh_token', token);
}

export function threadsOAuthFlow(defaultRoot: string): OAuthFlow<MetaAppChannel & { userId: string }> {
  return {
    uses: (channel) => channel.auth.clientId !== undefined,
    redirectUri: (channel) => channel.redirectUri,
    start: async (channel, opts) => ({ url: authorizationUrl(channel.authorizeUrl ?? THREADS_AUTHORIZE_URL, channel, THREADS_SCOPES, opts) }),
    async exchange(channel, { code, redirectUri }) {
      const root = (channel.apiRoot ?? defaultRoot).replace(/\/+$/, '');
      const tokenRoot = unversioned(root);
      const { clientId, clientSecret } = channel.auth as { clientId: string; clientSecret: string };
      return metaExchange('Threads', root, async (refused) => {
        const short = await metaRequest(`${tokenRoot}/oauth/access_token`, {
          method: 'POST',
          body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, grant_type: 'authorization_code', redirect_uri: redirectUri, code }),
        });
        const shortToken = stringOf(short.body?.access_token) ?? refused(metaWhy(short.status, short.body));
        const long = await metaRequest(`${tokenRoot}/access_token?${new URLSearchParams({ grant_type: 'th_exchange_token', client_secret: clientSecret, access_token: shortToken })}`);
        const accessToken = stringOf(long.body?.access_token) ?? refused(`the long-lived token: ${metaWhy(long.status, long.body)}`);
        const me = await metaRequest(`${root}/me?${new URLSearchParams({ fields: 'id,username', access_token: accessToken })}`);
        const id = stringOf(me.body?.id) ?? refused(`who the token is for: ${metaWhy(me.status, me.body)}`);
        const account = `@${stringOf(me.body?.username) ?? id}`;
        if (channel.userId !== 'me' && channel.userId !== id) {
          throw new OperationalError(
            `the Threads account allowed is ${account} (user ID ${id}), but channel ${channel.id} posts as user ID ${channel.userId}`,
            `sign in to Threads as that account and run \`herald auth ${channel.id}\` again, or set userId: "${id}"`,
          );
        }
        const expiresIn = long.body?.expires_in;
        return { accessToken, kind: LONG_LIVED_KIND, account, ...(typeof expiresIn === 'number' && { expiresInSeconds: expiresIn }) };
      });
    },
  };
}
