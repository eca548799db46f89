/**
 * Meta's OAuth endpoints for the Graph fakes (Threads, Instagram, Facebook): the
 * authorization page, the code → short-lived token exchange, the short → long-lived exchange,
 * the long-lived token's own renewal (Threads, Instagram) and, for Facebook, the Page token
 * a long-lived user token gives. Tokens live as long as the test says; the state records
 * every renewal and every use of an expired token.
 */
import type { FakeResponse } from '../helpers/http-fake.ts';
import type { GraphRequest } from './graph-api.ts';

export type MetaPlatform = 'threads' | 'instagram' | 'facebook';

export interface MetaOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** How long a long-lived token lives (60 days at Meta; seconds in tests). */
  longLivedMs: number;
  /** A token younger than this is not renewed (Meta: 24 hours). */
  minRefreshAgeMs?: number;
  /** Who the tokens are for: the user's id and username, or (Facebook) the Page's id and name. */
  account: { id: string; name: string };
}

export interface MetaOAuthState {
  /** Long-lived tokens spent at refresh_access_token, in order. */
  refreshed: string[];
  /** Renewals refused (too young, expired, revoked, unknown). */
  refusedRefreshes: string[];
  /** Tokens presented after they expired. */
  expiredUses: string[];
  /** Every token handed out (short-lived, long-lived, Page), to look for in the store's bytes. */
  issued: string[];
  /** A long-lived token (Facebook: a Page token), as `herald auth` would have stored it. */
  issueLongLived(): string;
  /** The person removed the app: every token is refused from now on, renewals too. */
  revoke(): void;
}

interface Token {
  kind: 'short' | 'long' | 'page';
  issuedAt: number;
  expiresAt: number;
}

const SCOPES: Record<MetaPlatform, string[]> = {
  threads: ['threads_basic', 'threads_content_publish'],
  instagram: ['instagram_business_basic', 'instagram_business_content_publish'],
  facebook: ['pages_manage_posts', 'pages_read_engagement', 'pages_show_list'],
};
const SHORT_LIVED_MS = 3_600_000;

const oauthError = (message: string, code = 190): FakeResponse => ({
  status: 400,
  body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'FakeOAuthTrace' } },
});

export function metaOAuth(platform: MetaPlatform, opts: MetaOAuthOptions) {
  const tokens = new Map<string, Token>();
  const codes = new Map<string, string>();
  let issuedCount = 0;
  let revoked = false;
  const issue = (kind: Token['kind'], lifetimeMs: number) => {
    const token = `${platform.slice(0, 2).toUpperCase()}AA${kind}${++issuedCount}x${Math.random().toString(36).slice(2)}`;
    tokens.set(token, { kind, issuedAt: Date.now(), expiresAt: Date.now() + lifetimeMs });
    state.issued.push(token);
    return token;
  };
  const issueLong = () => issue('long', opts.longLivedMs);
  const state: MetaOAuthState = {
    refreshed: [],
    refusedRefreshes: [],
    expiredUses: [],
    issued: [],
    issueLongLived: () => (platform === 'facebook' ? issue('page', Infinity) : issueLong()),
    revoke: () => void (revoked = true),
  };
  /** The token, when it is one of these kinds and still valid. */
  const live = (value: string | null, ...kinds: Token['kind'][]): Token | undefined => {
    const token = tokens.get(value ?? '');
    if (!token || revoked || !kinds.includes(token.kind)) return undefined;
    if (token.expiresAt <= Date.now()) {
      state.expiredUses.push(value!);
      return undefined;
    }
    return token;
  };
  const appOk = (params: URLSearchParams) => params.get('client_id') === opts.clientId && params.get('client_secret') === opts.clientSecret;
  const longLived = () => ({ body: { access_token: issueLong(), token_type: 'bearer', expires_in: Math.round(opts.longLivedMs / 1000) } });

  function authorizePage(params: URLSearchParams): FakeResponse {
    const redirectUri = params.get('redirect_uri') ?? '';
    if (params.get('client_id') !== opts.clientId || params.get('response_type') !== 'code' || !redirectUri) return { status: 400, body: 'bad authorization request' };
    const asked = params.get('scope')?.split(',') ?? [];
    if (!SCOPES[platform].every((s) => asked.includes(s))) return { status: 400, body: `this fake expects the scopes ${SCOPES[platform].join(',')}` };
    const code = `code${++issuedCount}`;
    codes.set(code, redirectUri);
    const to = new URL(redirectUri);
    to.searchParams.set('code', code);
    to.searchParams.set('state', params.get('state') ?? '');
    // Instagram appends `#_` to the redirect.
    return { status: 302, headers: { location: `${to}${platform === 'instagram' ? '#_' : ''}` } };
  }

  function codeExchange(params: URLSearchParams): FakeResponse {
    if (!appOk(params)) return oauthError('Error validating client secret.', 1);
    const code = params.get('code') ?? '';
    const redirectUri = codes.get(code);
    codes.delete(code);
    if (redirectUri === undefined || redirectUri !== params.get('redirect_uri')) return oauthError('This authorization code has expired or was used.', 100);
    const accessToken = issue('short', SHORT_LIVED_MS);
    if (platform === 'instagram') return { body: { data: [{ access_token: accessToken, user_id: 'app-scoped-9', permissions: SCOPES.instagram.join(',') }] } };
    if (platform === 'threads') return { body: { access_token: accessToken, user_id: opts.account.id } };
    return { body: { access_token: accessToken, token_type: 'bearer', expires_in: 3600 } };
  }

  function refresh(params: URLSearchParams, grantType: string): FakeResponse {
    const spent = params.get('access_token') ?? '';
    const token = params.get('grant_type') === grantType ? live(spent, 'long') : undefined;
    if (!token || Date.now() - token.issuedAt < (opts.minRefreshAgeMs ?? 0)) {
      state.refusedRefreshes.push(spent);
      return oauthError('Error validating access token: the session is invalid, expired, or too new to be refreshed.');
    }
    state.refreshed.push(spent);
    return longLived();
  }

  /** Answers an OAuth request, or undefined for the Graph fake to handle. */
  function handle({ req, path, params }: GraphRequest): FakeResponse | undefined {
    const get = req.method === 'GET';
    if (get && (path === '/oauth/authorize' || path === '/dialog/oauth')) return authorizePage(params);
    if (platform === 'facebook' && get && path === '/oauth/access_token') {
      if (params.get('grant_type') !== 'fb_exchange_token') return codeExchange(params);
      if (!appOk(params)) return oauthError('Error validating client secret.', 1);
      return live(params.get('fb_exchange_token'), 'short') ? longLived() : oauthError('Invalid OAuth access token.');
    }
    if (platform !== 'facebook' && req.method === 'POST' && path === '/oauth/access_token') {
      return params.get('grant_type') === 'authorization_code' ? codeExchange(params) : oauthError('Unsupported grant_type', 100);
    }
    if (get && path === '/access_token') {
      const exchange = platform === 'threads' ? 'th_exchange_token' : 'ig_exchange_token';
      if (params.get('grant_type') !== exchange || params.get('client_secret') !== opts.clientSecret) return oauthError('Error validating client secret.', 1);
      return live(params.get('access_token'), 'short') ? longLived() : oauthError('Invalid OAuth access token.');
    }
    if (get && path === '/refresh_access_token') return refresh(params, platform === 'threads' ? 'th_refresh_token' : 'ig_refresh_token');
    if (get && path === '/me' && platform !== 'facebook') {
      if (!live(params.get('access_token'), 'long', 'short')) return oauthError('Invalid OAuth access token.');
      return { body: platform === 'threads' ? { id: opts.account.id, username: opts.account.name } : { id: 'ig-scoped-1', user_id: opts.account.id, username: opts.account.name } };
    }
    if (platform === 'facebook' && get && path === `/${opts.account.id}` && params.get('fields')?.includes('access_token')) {
      if (!live(params.get('access_token'), 'long')) return oauthError('Invalid OAuth access token.');
      return { body: { id: opts.account.id, name: opts.account.name, access_token: issue('page', Infinity) } };
    }
    return undefined;
  }

  /** Whether a post may be made with this token: Threads and Instagram a live long-lived user token, Facebook a Page token. */
  const accepts = (value: string | null) => live(value, platform === 'facebook' ? 'page' : 'long') !== undefined;

  return { state, handle, accepts };
}

export type MetaOAuth = ReturnType<typeof metaOAuth>;
