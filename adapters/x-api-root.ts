import type { ITwitterApiClientPlugin } from 'twitter-api-v2';
import { HERALD_USER_AGENT } from '../src/version.ts';

/**
 * twitter-api-v2 has no base-URL option: rewrite each request to `apiRoot` before its OAuth
 * signature is computed. The body encoding is otherwise guessed from the host and path,
 * so pin the one api.x.com takes: JSON for the v2 endpoints, a form for OAuth 2.0 tokens.
 */
export function towardsApiRoot(apiRoot: string): ITwitterApiClientPlugin {
  return {
    onBeforeRequestConfig({ params }) {
      params.headers = { ...params.headers, 'user-agent': HERALD_USER_AGENT, 'x-user-agent': HERALD_USER_AGENT };
      const original = new URL(params.url);
      if (original.pathname.startsWith('/2/oauth2/')) params.forceBodyMode = 'url';
      else if (original.pathname.startsWith('/2/')) params.forceBodyMode ??= 'json';
      params.url = apiRoot + original.pathname + original.search;
    },
  };
}
