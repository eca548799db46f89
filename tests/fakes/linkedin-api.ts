/**
 * A stateful fake of LinkedIn's versioned REST API: `POST /rest/posts` (201 with the post
 * URN in `x-restli-id`), `POST /rest/posts/{urn}` with `X-RestLi-Method: PARTIAL_UPDATE`
 * (204; 404 once the post is deleted), the Images API upload (`initializeUpload`, then a PUT of the
 * bytes) and LinkedIn's error bodies `{status, serviceErrorCode, code, message}`. With
 * `oauth`, also www.linkedin.com's OAuth 2.0 (`/oauth/v2/authorization`, `/oauth/v2/accessToken`)
 * and `GET /v2/userinfo`, with access tokens that expire in `accessLifetimeMs`.
 */
import type { FakeRequest, FakeResponse } from '../helpers/http-fake.ts';
import { startPlatformFake, type PlatformFake } from './graph-api.ts';

export interface LinkedInPost {
  urn: string;
  headers: Record<string, string | string[] | undefined>;
  body: {
    author: string;
    commentary: string;
    visibility: string;
    distribution: unknown;
    content?: { article?: { source: string; title: string; description?: string; thumbnail?: string } };
    lifecycleState: string;
  };
}

function linkedInError(status: number, message: string, code?: string, serviceErrorCode?: number): FakeResponse {
  return { status, body: { status, message, ...(code && { code }), ...(serviceErrorCode !== undefined && { serviceErrorCode }) } };
}

export interface LinkedInEdit {
  urn: string;
  /** The partial update exactly as received: `{patch: {$set: {…}}}`. */
  body: unknown;
}

export interface LinkedInFake extends PlatformFake<LinkedInPost> {
  /** Present when started with `oauth`. */
  oauth: LinkedInOAuthState | undefined;
  uploads: Map<string, Buffer>;
  /** Partial updates that changed a post, in order; each also applies its `$set` to the post's body. An identical one changes nothing. */
  edits: LinkedInEdit[];
  /** The post is deleted (as by hand): updating it answers 404. */
  deletePost(urn: string): void;
}

export interface LinkedInOAuthOptions {
  clientId: string;
  clientSecret: string;
  accessLifetimeMs: number;
  /** The app is approved for programmatic refresh: token answers carry a refresh token (the same one again on refresh). */
  programmaticRefresh: boolean;
  /** Every refresh answers a new refresh token and retires the old one (LinkedIn does not; Herald must take one anyway). */
  rotateRefreshTokens?: boolean;
  member: { sub: string; name: string };
}

/** What the fake's OAuth endpoints saw and hold. */
export interface LinkedInOAuthState {
  /** Refresh tokens LinkedIn renewed an access token for, in order. */
  refreshed: string[];
  /** Every access and refresh token handed out. */
  issued: string[];
  /** Called as a refresh is granted, just before the answer goes out. */
  onRefresh?: () => void;
  /** The scopes each authorization asked for. */
  scopes: string[][];
  issueRefreshToken(): string;
  /** Revokes every refresh token (the member removed the app). */
  revokeRefreshTokens(): void;
  /** Expires every access token at once. */
  expireAccessTokens(): void;
}

export interface LinkedInFakeOptions {
  token: string;
  /** LinkedIn-Version values still active; others get 426 NONEXISTENT_VERSION. Default: any YYYYMM. */
  activeVersions?: string[];
  oauth?: LinkedInOAuthOptions;
}

const oauthError = (status: number, error: string, description: string): FakeResponse => ({ status, body: { error, error_description: description } });

/** LinkedIn's OAuth 2.0 endpoints and the member's tokens; `bearer` says whether a request's token is live. */
function linkedInOAuth(opts: LinkedInOAuthOptions) {
  const refreshTokens = new Map<string, 'live' | 'retired'>();
  const accessTokens = new Map<string, number>();
  const codes = new Map<string, string>();
  let issued = 0;
  const state: LinkedInOAuthState = {
    refreshed: [],
    issued: [],
    scopes: [],
    issueRefreshToken() {
      const token = `AQX.refresh.${++issued}.${Math.random().toString(36).slice(2)}`;
      refreshTokens.set(token, 'live');
      state.issued.push(token);
      return token;
    },
    revokeRefreshTokens: () => refreshTokens.clear(),
    expireAccessTokens() {
      for (const token of accessTokens.keys()) accessTokens.set(token, 0);
    },
  };
  const grant = (refreshToken: string | undefined): FakeResponse => {
    const accessToken = `AQV.access.${++issued}.${Math.random().toString(36).slice(2)}`;
    accessTokens.set(accessToken, Date.now() + opts.accessLifetimeMs);
    state.issued.push(accessToken);
    return {
      body: {
        access_token: accessToken,
        expires_in: Math.round(opts.accessLifetimeMs / 1000),
        ...(refreshToken !== undefined && { refresh_token: refreshToken, refresh_token_expires_in: 31_536_000 }),
        scope: 'openid,profile,w_member_social',
        token_type: 'Bearer',
      },
    };
  };
  function handle(req: FakeRequest): FakeResponse | undefined {
    if (req.method === 'GET' && req.path === '/oauth/v2/authorization') {
      const q = req.query;
      const redirectUri = q.get('redirect_uri') ?? '';
      if (q.get('client_id') !== opts.clientId || q.get('response_type') !== 'code' || !redirectUri) return { status: 400, body: 'bad authorization request' };
      const scopes = (q.get('scope') ?? '').split(' ');
      if (!scopes.includes('w_member_social')) return { status: 400, body: 'this fake expects w_member_social' };
      state.scopes.push(scopes);
      const code = `AQT.code.${++issued}`;
      codes.set(code, redirectUri);
      const to = new URL(redirectUri);
      to.searchParams.set('code', code);
      to.searchParams.set('state', q.get('state') ?? '');
      return { status: 302, headers: { location: to.toString() } };
    }
    if (req.method === 'POST' && req.path === '/oauth/v2/accessToken') {
      const form = req.form;
      if (form?.get('client_id') !== opts.clientId || form.get('client_secret') !== opts.clientSecret) {
        return oauthError(401, 'invalid_client', 'Client authentication failed');
      }
      if (form.get('grant_type') === 'authorization_code') {
        const issuedFor = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (issuedFor === undefined || issuedFor !== form.get('redirect_uri')) {
          return oauthError(400, 'invalid_request', 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired.');
        }
        return grant(opts.programmaticRefresh ? state.issueRefreshToken() : undefined);
      }
      const token = form.get('refresh_token') ?? '';
      if (form.get('grant_type') !== 'refresh_token' || refreshTokens.get(token) !== 'live') {
        return oauthError(400, 'invalid_grant', 'The provided authorization grant or refresh token is invalid, expired or revoked.');
      }
      state.refreshed.push(token);
      state.onRefresh?.();
      if (!opts.rotateRefreshTokens) return grant(token);
      refreshTokens.set(token, 'retired');
      return grant(state.issueRefreshToken());
    }
    return undefined;
  }
  /** Undefined for a live access token, else LinkedIn's 401. */
  function refusal(authorization: string | undefined): FakeResponse | undefined {
    const expiresAt = accessTokens.get(String(authorization).slice('Bearer '.length));
    if (expiresAt === undefined) return linkedInError(401, 'Invalid access token', 'INVALID_ACCESS_TOKEN', 65600);
    if (expiresAt <= Date.now()) return linkedInError(401, 'The token used in the request has expired', 'EXPIRED_ACCESS_TOKEN', 65602);
    return undefined;
  }
  function userinfo(req: FakeRequest): FakeResponse {
    return refusal(req.headers.authorization) ?? { body: { sub: opts.member.sub, name: opts.member.name, email_verified: true, locale: { country: 'KZ', language: 'en' } } };
  }
  return { state, handle, refusal, userinfo };
}

export async function startLinkedInFake(opts: LinkedInFakeOptions): Promise<LinkedInFake> {
  let next = 7_100_000_000;
  const uploads = new Map<string, Buffer>();
  const edits: LinkedInEdit[] = [];
  const deleted = new Set<string>();
  const pendingUploads = new Map<string, string>();
  const oauth = opts.oauth && linkedInOAuth(opts.oauth);
  const linkedin: PlatformFake<LinkedInPost> = await startPlatformFake<LinkedInPost>((req, url) => {
    if (req.path.startsWith('/dms-uploads/') && req.method === 'PUT') {
      const image = pendingUploads.get(req.path);
      if (!image) return { status: 404, body: '' };
      uploads.set(image, req.body);
      return { status: 201, body: '' };
    }
    const signIn = oauth?.handle(req);
    if (signIn) return signIn;
    if (oauth && req.method === 'GET' && req.path === '/v2/userinfo') return oauth.userinfo(req);
    if (req.headers.authorization !== `Bearer ${opts.token}`) {
      const refused = oauth ? oauth.refusal(req.headers.authorization) : linkedInError(401, 'Invalid access token', 'INVALID_ACCESS_TOKEN', 65600);
      if (refused) return refused;
    }
    const version = req.headers['linkedin-version'];
    if (typeof version !== 'string') {
      return linkedInError(400, 'A version must be present. Please specify a version by adding the LinkedIn-Version header.', 'VERSION_MISSING');
    }
    if (opts.activeVersions ? !opts.activeVersions.includes(version) : !/^\d{6}$/.test(version)) {
      return linkedInError(426, `Requested version ${version} is not active`, 'NONEXISTENT_VERSION');
    }
    if (req.headers['x-restli-protocol-version'] !== '2.0.0') return linkedInError(400, 'Restli protocol version 2.0.0 is required', 'ILLEGAL_ARGUMENT');
    if (req.method === 'POST' && req.path === '/rest/images' && req.query.get('action') === 'initializeUpload') {
      const id = next++;
      const image = `urn:li:image:C4E${id}`;
      pendingUploads.set(`/dms-uploads/${id}`, image);
      return { body: { value: { uploadUrlExpiresAt: Date.now() + 3_600_000, uploadUrl: `${url}/dms-uploads/${id}`, image } } };
    }
    if (req.method === 'POST' && req.path === '/rest/posts') {
      const body = req.json as LinkedInPost['body'] | undefined;
      if (!body?.author || typeof body.commentary !== 'string') return linkedInError(422, 'Validation failed: /author and /commentary are required', 'UNPROCESSABLE_ENTITY');
      const same = linkedin.posts.find((p) => p.body.commentary === body.commentary);
      if (same) return linkedInError(422, `Content is a duplicate of ${same.urn}`, 'DUPLICATE_POST');
      const urn = `urn:li:share:${next++}`;
      linkedin.posts.push({ urn, headers: req.headers, body });
      return { status: 201, headers: { 'x-restli-id': urn }, body: '' };
    }
    const updated = /^\/rest\/posts\/([^/]+)$/.exec(req.path);
    if (req.method === 'POST' && updated) {
      const urn = decodeURIComponent(updated[1]!);
      if (req.headers['x-restli-method'] !== 'PARTIAL_UPDATE') return linkedInError(400, 'Only PARTIAL_UPDATE is supported on a post', 'ILLEGAL_ARGUMENT');
      const post = linkedin.posts.find((p) => p.urn === urn);
      if (!post || deleted.has(urn)) return linkedInError(404, `Post ${urn} does not exist`, 'NOT_FOUND');
      const set = (req.json as { patch?: { $set?: Partial<LinkedInPost['body']> } } | undefined)?.patch?.$set;
      if (!set || (set.commentary !== undefined && typeof set.commentary !== 'string')) {
        return linkedInError(422, 'Validation failed: expected {patch: {$set: {commentary}}}', 'UNPROCESSABLE_ENTITY');
      }
      const body = { ...post.body, ...set };
      if (JSON.stringify(body) !== JSON.stringify(post.body)) edits.push({ urn, body: req.json });
      post.body = body;
      return { status: 204, body: '' };
    }
    return linkedInError(404, `No route for ${req.method} ${req.path}`, 'NOT_FOUND');
  });
  return Object.assign(linkedin, { uploads, edits, deletePost: (urn: string) => void deleted.add(urn), oauth: oauth?.state });
}
