/**
 * `herald auth` for a Facebook Page: the authorization code → a short-lived user token → a
 * long-lived one (`fb_exchange_token`, 60 days) → the Page's token from it, which does not
 * expire; that Page token is all Herald stores.
 * https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
 */
import { NON_EXPIRING_KIND } from '../src/auth/oauth-tokens.ts';
import { OperationalError } from '../src/errors.ts';
import type { OAuthFlow } from '../src/platform.ts';
import { authorizationUrl, metaExchange, metaRequest, metaWhy, stringOf, type MetaAppChannel } from './meta-oauth.ts';

export const FACEBOOK_AUTHORIZE_URL = 'https://www.facebook.com/v25.0/dialog/oauth';
export const FACEBOOK_SCOPES = ['pages_manage_posts', 'pages_read_engagement', 'pages_show_list'];

export function facebookOAuthFlow(defaultRoot: string): OAuthFlow<MetaAppChannel & { pageId: string; configId?: string | undefined }> {
  return {
    uses: (channel) => channel.auth.clientId !== undefined,
    redirectUri: (channel) => channel.redirectUri,
    async start(channel, opts) {
      const url = new URL(authorizationUrl(channel.authorizeUrl ?? FACEBOOK_AUTHORIZE_URL, channel, FACEBOOK_SCOPES, opts));
      // Facebook Login for Business asks for what its configuration names, in place of the scopes.
      if (channel.configId !== undefined) url.searchParams.set('config_id', channel.configId);
      return { url: url.toString() };
    },
    async exchange(channel, { code, redirectUri }) {
      const root = (channel.apiRoot ?? defaultRoot).replace(/\/+$/, '');
      const { clientId, clientSecret } = channel.auth as { clientId: string; clientSecret: string };
      return metaExchange('Facebook', root, async (refused) => {
        const short = await metaRequest(`${root}/oauth/access_token?${new URLSearchParams({ client_id: clientId, client_secret: clientSecret, redirect_uri: redirectUri, code })}`);
        const shortToken = stringOf(short.body?.access_token) ?? refused(metaWhy(short.status, short.body));
        const long = await metaRequest(
          `${root}/oauth/access_token?${new URLSearchParams({ grant_type: 'fb_exchange_token', client_id: clientId, client_secret: clientSecret, fb_exchange_token: shortToken })}`,
        );
        const userToken = stringOf(long.body?.access_token) ?? refused(`the long-lived user token: ${metaWhy(long.status, long.body)}`);
        const page = await metaRequest(`${root}/${channel.pageId}?${new URLSearchParams({ fields: 'access_token,name', access_token: userToken })}`);
        if (page.status === 200 && stringOf(page.body?.access_token) === undefined) {
          throw new OperationalError(
            `the Facebook account allowed cannot post on Page ${channel.pageId}: Facebook gave no Page token (it needs a task on the Page that lets it create content, and pages_manage_posts granted)`,
            `sign in as a person who manages the Page, allow every permission asked, and run \`herald auth ${channel.id}\` again`,
          );
        }
        const pageToken = stringOf(page.body?.access_token) ?? refused(`the token of Page ${channel.pageId}: ${metaWhy(page.status, page.body)}`);
        return { accessToken: pageToken, kind: NON_EXPIRING_KIND, account: stringOf(page.body?.name) ?? `Page ${channel.pageId}` };
      });
    },
  };
}
