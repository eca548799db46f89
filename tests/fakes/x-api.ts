/**
 * A stateful stand-in for X's API v2 on 127.0.0.1, speaking X's shapes: POST /2/tweets
 * (201 {data}, 403 problem JSON for duplicate content) and the chunked media upload that
 * twitter-api-v2 1.29.1's `v2.uploadMedia` drives (initialize, append, finalize).
 * Every request must carry an OAuth 1.0a header; given the keys, the fake also checks its
 * signature as X does. With `oauth2`, it is also X's OAuth 2.0 server: the authorize page,
 * the token endpoint (refresh tokens rotate, access tokens live `accessLifetimeMs`) and
 * GET /2/users/me, and a valid Bearer token is taken in place of the OAuth 1.0a header.
 */
import crypto from 'node:crypto';
import twttr from 'twitter-text';
import { startFake, type FakeRequest, type FakeResponse, type HttpFake } from '../helpers/http-fake.ts';

export interface XTweet {
  id: string;
  text: string;
  mediaIds: string[];
}

/** Answers one request in place of the fake: a response, 'hang' (never answer), or undefined (let the fake answer). */
export type XOverride = (req: FakeRequest) => FakeResponse | 'hang' | undefined;

export interface XFake {
  url: string;
  fake: HttpFake;
  /** Tweets created, in order. */
  tweets: XTweet[];
  /** The bytes of each finalized media upload, in order. */
  media: Buffer[];
  /** The description (alt text) set on each media id, as `POST /2/media/metadata` received it. */
  altTexts: Map<string, string>;
  /** Overrides the answer to the next POST /2/tweets (queued: one handler per request). */
  respondNext(handler: XOverride): void;
  /** Present with the `oauth2` option. */
  oauth2?: XOAuth2State;
  close(): Promise<void>;
}

export interface XKeys {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
}

export interface XOAuth2App {
  clientId: string;
  clientSecret: string;
  /** How long an access token works (X: 2 hours). */
  accessLifetimeMs: number;
  /** Who the tokens post as. */
  user?: { id: string; username: string; name: string };
}

export interface XFakeOptions {
  /** Check each request's OAuth 1.0a signature with these keys; a mismatch gets X's 401. */
  keys?: XKeys;
  oauth2?: XOAuth2App;
}

/** What the fake's OAuth 2.0 server saw. */
export interface XOAuth2State {
  /** Refresh tokens presented again after they had been spent (X refuses them; a correct client never does it). */
  reused: string[];
  /** Refresh tokens spent, in order. */
  spent: string[];
  /** Access tokens refused as expired or unknown on an API call. */
  refusedAccess: number;
  /** A refresh token good for one use, as if from an earlier authorization. */
  issueRefreshToken(): string;
  /** Revokes every token issued so far (the user removed the app). */
  revokeAll(): void;
}

const PROBLEM_JSON = { 'content-type': 'application/problem+json' };
const MAX_IMAGE_BYTES = 5 * 1_048_576;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
export const DUPLICATE_DETAIL = 'You are not allowed to create a Tweet with duplicate content.';

/** An RFC 7807 problem as X sends it. */
export function xProblem(status: number, title: string, detail: string, type = 'about:blank', extra: object = {}): FakeResponse {
  return { status, headers: PROBLEM_JSON, body: { title, detail, type, status, ...extra } };
}

function invalidRequest(message: string): FakeResponse {
  return xProblem(400, 'Invalid Request', 'One or more parameters to your request was invalid.', 'https://api.twitter.com/2/problems/invalid-request', {
    errors: [{ message }],
  });
}

const UNAUTHORIZED = xProblem(401, 'Unauthorized', 'Unauthorized');

/**
 * X's 429 for POST /2/tweets: the 15-minute window's headers, and the 24-hour user cap's
 * when `userDay` is given (reset times in epoch seconds).
 */
export function xRateLimited(opts: {
  reset: number;
  remaining?: number;
  userDay?: { limit: number; remaining: number; reset: number };
}): FakeResponse {
  const headers: Record<string, string> = {
    ...PROBLEM_JSON,
    'x-rate-limit-limit': '100',
    'x-rate-limit-remaining': String(opts.remaining ?? 0),
    'x-rate-limit-reset': String(opts.reset),
  };
  if (opts.userDay) {
    headers['x-user-limit-24hour-limit'] = String(opts.userDay.limit);
    headers['x-user-limit-24hour-remaining'] = String(opts.userDay.remaining);
    headers['x-user-limit-24hour-reset'] = String(opts.userDay.reset);
  }
  return { status: 429, headers, body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 } };
}

/** RFC 3986 percent-encoding, as OAuth 1.0a signs. */
function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function oauthParams(header: string | undefined): Map<string, string> | undefined {
  if (!header?.startsWith('OAuth ')) return undefined;
  const params = new Map<string, string>();
  for (const pair of header.slice('OAuth '.length).split(',')) {
    const m = /^\s*([^=\s]+)="([^"]*)"\s*$/.exec(pair);
    if (!m) return undefined;
    params.set(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!));
  }
  return params;
}

const REQUIRED_OAUTH = ['oauth_consumer_key', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method', 'oauth_timestamp', 'oauth_token', 'oauth_version'];

/** HMAC-SHA1 over the method, the URL and the OAuth and query parameters (JSON and multipart bodies are not signed). */
function expectedSignature(req: FakeRequest, oauth: Map<string, string>, keys: XKeys): string {
  const params: [string, string][] = [...oauth].filter(([k]) => k !== 'oauth_signature');
  for (const [k, v] of req.query) params.push([k, v]);
  const paramString = params
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const baseUrl = `http://${req.headers.host}${req.path}`;
  const base = [req.method.toUpperCase(), percentEncode(baseUrl), percentEncode(paramString)].join('&');
  const key = `${percentEncode(keys.appSecret)}&${percentEncode(keys.accessSecret)}`;
  return crypto.createHmac('sha1', key).update(base).digest('base64');
}

/** X's 401 when the OAuth 1.0a header is missing, incomplete or (with keys) wrongly signed; undefined when it is good. */
function authProblem(req: FakeRequest, keys: XKeys | undefined): FakeResponse | undefined {
  const oauth = oauthParams(req.headers.authorization);
  if (!oauth || REQUIRED_OAUTH.some((k) => !oauth.has(k))) return UNAUTHORIZED;
  if (oauth.get('oauth_signature_method') !== 'HMAC-SHA1' || oauth.get('oauth_version') !== '1.0') return UNAUTHORIZED;
  if (!keys) return undefined;
  if (oauth.get('oauth_consumer_key') !== keys.appKey || oauth.get('oauth_token') !== keys.accessToken) return UNAUTHORIZED;
  return oauth.get('oauth_signature') === expectedSignature(req, oauth, keys) ? undefined : UNAUTHORIZED;
}

/** The named fields of a multipart/form-data body. */
function multipartFields(req: FakeRequest): Map<string, Buffer> {
  const fields = new Map<string, Buffer>();
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/.exec(String(req.headers['content-type'] ?? ''));
  if (!boundary) return fields;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let at = req.body.indexOf(delimiter);
  while (at !== -1) {
    const partStart = at + delimiter.length + 2;
    const next = req.body.indexOf(delimiter, partStart);
    if (next === -1) break;
    const part = req.body.subarray(partStart, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const name = /name="([^"]*)"/.exec(part.subarray(0, headerEnd).toString())?.[1];
    if (headerEnd !== -1 && name !== undefined) fields.set(name, part.subarray(headerEnd + 4));
    at = next;
  }
  return fields;
}

interface Upload {
  id: string;
  mediaType: string;
  totalBytes: number;
  segments: Map<number, Buffer>;
  finalized: boolean;
}

function idSequence(start: bigint): () => string {
  let next = start;
  return () => String(next++);
}

export async function startXFake(options: XFakeOptions = {}): Promise<XFake> {
  const fake = await startFake();
  const tweets: XTweet[] = [];
  const media: Buffer[] = [];
  const altTexts = new Map<string, string>();
  const uploads = new Map<string, Upload>();
  const overrides: XOverride[] = [];
  const tweetId = idSequence(1_790_000_000_000_000_001n);
  const mediaId = idSequence(1_880_000_000_000_000_001n);

  const oauth2 = options.oauth2 && oauth2Server(fake, options.oauth2);
  const authorized =
    (handler: (req: FakeRequest) => FakeResponse) =>
    (req: FakeRequest): FakeResponse => {
      if (oauth2 && String(req.headers.authorization).startsWith('Bearer ')) return oauth2.bearerProblem(req) ?? handler(req);
      return authProblem(req, options.keys) ?? handler(req);
    };

  const createTweet = authorized((req) => {
    const body = req.json as { text?: unknown; media?: { media_ids?: unknown } } | undefined;
    if (typeof body?.text !== 'string') return invalidRequest('The `text` field is required');
    const parsed = twttr.parseTweet(body.text);
    if (!parsed.valid) {
      return invalidRequest(parsed.weightedLength > 280 ? 'Your Tweet text is too long.' : 'Your Tweet text is empty or contains invalid characters.');
    }
    const mediaIds = body.media?.media_ids ?? [];
    if (!Array.isArray(mediaIds) || mediaIds.some((id) => typeof id !== 'string' || !uploads.get(id)?.finalized)) {
      return invalidRequest('Your media IDs are invalid.');
    }
    if (tweets.some((t) => t.text === body.text)) return xProblem(403, 'Forbidden', DUPLICATE_DETAIL);
    const tweet: XTweet = { id: tweetId(), text: body.text, mediaIds: mediaIds as string[] };
    tweets.push(tweet);
    return { status: 201, body: { data: { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] } } };
  });

  fake.route('POST', '/2/tweets', (req) => {
    const override = overrides.shift()?.(req);
    if (override === 'hang') return undefined;
    return override ?? createTweet(req);
  });

  fake.route(
    'POST',
    '/2/media/upload/initialize',
    authorized((req) => {
      const body = req.json as { media_type?: unknown; total_bytes?: unknown; media_category?: unknown } | undefined;
      if (typeof body?.media_type !== 'string' || !IMAGE_TYPES.has(body.media_type)) return invalidRequest('media_type is not supported');
      if (typeof body.total_bytes !== 'number' || body.total_bytes <= 0 || body.total_bytes > MAX_IMAGE_BYTES) {
        return invalidRequest('total_bytes is invalid for this media_type');
      }
      const upload: Upload = { id: mediaId(), mediaType: body.media_type, totalBytes: body.total_bytes, segments: new Map(), finalized: false };
      uploads.set(upload.id, upload);
      return { body: { data: { id: upload.id, media_key: `3_${upload.id}`, expires_after_secs: 86_400 } } };
    }),
  );

  fake.route(
    'POST',
    '/2/media/metadata',
    authorized((req) => {
      const body = req.json as { id?: unknown; metadata?: { alt_text?: { text?: unknown } } } | undefined;
      const text = body?.metadata?.alt_text?.text;
      if (typeof body?.id !== 'string' || !uploads.get(body.id)?.finalized) return invalidRequest('The media id is invalid.');
      if (typeof text !== 'string' || [...text].length > 1000) return invalidRequest('alt_text.text must be a string of at most 1000 characters');
      altTexts.set(body.id, text);
      return { body: { data: { id: body.id, associated_metadata: true, alt_text: { text } } } };
    }),
  );

  const appendOrFinalize = authorized((req) => {
    const m = /^\/2\/media\/upload\/(\d+)\/(append|finalize)$/.exec(req.path);
    if (req.method !== 'POST' || !m) return xProblem(404, 'Not Found Error', `Could not find ${req.method} ${req.path}`);
    const upload = uploads.get(m[1]!);
    if (!upload || upload.finalized) return invalidRequest('The media id is invalid or already finalized.');
    if (m[2] === 'append') {
      const fields = multipartFields(req);
      const segment = Number(fields.get('segment_index')?.toString());
      const chunk = fields.get('media');
      if (!Number.isInteger(segment) || segment < 0 || segment > 999 || !chunk) return invalidRequest('segment_index and media are required');
      upload.segments.set(segment, Buffer.from(chunk));
      return { body: { data: { expires_at: Math.floor(Date.now() / 1000) + 86_400 } } };
    }
    const data = Buffer.concat([...upload.segments].sort(([a], [b]) => a - b).map(([, chunk]) => chunk));
    if (data.length !== upload.totalBytes) return invalidRequest(`File size mismatch: got ${data.length} bytes, expected ${upload.totalBytes}.`);
    upload.finalized = true;
    media.push(data);
    return { body: { data: { id: upload.id, media_key: `3_${upload.id}`, size: data.length, expires_after_secs: 86_400 } } };
  });
  fake.fallback(appendOrFinalize);

  return {
    url: fake.url,
    fake,
    tweets,
    media,
    altTexts,
    respondNext(handler) {
      overrides.push(handler);
    },
    ...(oauth2 && { oauth2: oauth2.state }),
    close: () => fake.close(),
  };
}

const tokenError = (error: string, description: string): FakeResponse => ({ status: 400, body: { error, error_description: description } });

/** X's OAuth 2.0 endpoints: authorization code with PKCE (S256), refresh tokens that rotate on every use. */
function oauth2Server(fake: HttpFake, app: XOAuth2App) {
  const user = app.user ?? { id: '2244994945', username: 'AstanaTimes', name: 'The Astana Times' };
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const refreshTokens = new Map<string, 'live' | 'spent'>();
  const accessTokens = new Map<string, number>();
  const random = () => crypto.randomBytes(12).toString('base64url');
  const state: XOAuth2State = {
    reused: [],
    spent: [],
    refusedAccess: 0,
    issueRefreshToken() {
      const token = `xrt-${random()}`;
      refreshTokens.set(token, 'live');
      return token;
    },
    revokeAll() {
      refreshTokens.clear();
      accessTokens.clear();
    },
  };
  const grant = (): FakeResponse => {
    const accessToken = `xat-${random()}`;
    accessTokens.set(accessToken, Date.now() + app.accessLifetimeMs);
    return {
      body: {
        token_type: 'bearer',
        expires_in: Math.round(app.accessLifetimeMs / 1000),
        access_token: accessToken,
        scope: 'tweet.write tweet.read users.read offline.access media.write',
        refresh_token: state.issueRefreshToken(),
      },
    };
  };

  fake.route('GET', '/i/oauth2/authorize', (req) => {
    const q = req.query;
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('response_type') !== 'code' || q.get('client_id') !== app.clientId || !redirectUri) return { status: 400, body: 'bad authorization request' };
    if (q.get('code_challenge_method')?.toLowerCase() !== 's256' || !q.get('code_challenge')) return { status: 400, body: 'PKCE (S256) is required' };
    if (!q.get('scope')?.split(' ').includes('offline.access')) return { status: 400, body: 'this fake expects offline.access' };
    const code = `code-${random()}`;
    codes.set(code, { challenge: q.get('code_challenge')!, redirectUri });
    const to = new URL(redirectUri);
    to.searchParams.set('code', code);
    to.searchParams.set('state', q.get('state') ?? '');
    return { status: 302, headers: { location: to.toString() } };
  });

  fake.route('POST', '/2/oauth2/token', (req) => {
    const basic = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== basic) return { status: 401, body: { error: 'unauthorized_client', error_description: 'Missing valid authorization header' } };
    if (!req.form) return tokenError('invalid_request', 'Body must be application/x-www-form-urlencoded');
    const form = req.form;
    if (form.get('grant_type') === 'refresh_token') {
      const token = form.get('refresh_token') ?? '';
      const known = refreshTokens.get(token);
      if (known === 'spent') state.reused.push(token);
      if (known !== 'live') return tokenError('invalid_request', 'Value passed for the token was invalid.');
      refreshTokens.set(token, 'spent');
      state.spent.push(token);
      return grant();
    }
    if (form.get('grant_type') === 'authorization_code') {
      const issued = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const challenge = crypto.createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (!issued || issued.challenge !== challenge || issued.redirectUri !== form.get('redirect_uri')) {
        return tokenError('invalid_request', 'Value passed for the authorization code was invalid.');
      }
      return grant();
    }
    return tokenError('unsupported_grant_type', 'grant_type is not supported');
  });

  const bearerProblem = (req: FakeRequest): FakeResponse | undefined => {
    const token = String(req.headers.authorization).slice('Bearer '.length);
    if ((accessTokens.get(token) ?? 0) > Date.now()) return undefined;
    state.refusedAccess++;
    return UNAUTHORIZED;
  };

  fake.route('GET', '/2/users/me', (req) => bearerProblem(req) ?? { body: { data: user } });
  return { state, bearerProblem };
}
