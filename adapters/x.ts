/**
 * X (Twitter): POST /2/tweets through twitter-api-v2, with OAuth 1.0a keys or an OAuth 2.0
 * app whose tokens the store keeps, fitted with twitter-text's weighted length.
 */
import http from 'node:http';
import { z } from 'zod';
import { twitterText } from './twitter-text.ts';
import { withoutForbidden, xLinkWeight, xPrefixWeights } from './x-weights.ts';
import type { ApiResponseError, ITwitterApiClientPlugin, SingleTwitterRateLimit, TwitterApi } from 'twitter-api-v2';
import { OAuthTokens, RenewalRefusedError } from '../src/auth/oauth-tokens.ts';
import type { Logger } from 'pino';
import { defineAdapter, type AdapterContext, type Part, type PlatformRules, type SendResult } from '../src/platform.ts';
import { makeRedactor, type Redactor } from '../src/redact.ts';
import { fetchImage } from './fetch-image.ts';
import { delayUntil, describeError, excerpt, wasNeverSent } from './http-errors.ts';
import { towardsApiRoot } from './x-api-root.ts';
import { appClient, refreshXToken, X_RENEW_AHEAD_MS, xOAuthFlow } from './x-oauth2.ts';

type ErrorClasses = Pick<typeof import('twitter-api-v2'), 'ApiResponseError' | 'ApiRequestError' | 'ApiPartialResponseError'>;

const DEFAULT_API_ROOT = 'https://api.x.com';
const MAX_WEIGHTED_LENGTH = 280;
const IMAGE_MAX_BYTES = 5 * 1_048_576;
/** Image types X takes for a tweet. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const);
const DUPLICATE_CONTENT = /duplicate content|status is a duplicate/i;
const V1_DUPLICATE_STATUS = 187;
/** 403 problems that every post would hit until the operator fixes the app: pause the channel. */
const APP_CONFIG_PROBLEMS = new Set([
  'https://api.twitter.com/2/problems/client-forbidden',
  'https://api.twitter.com/2/problems/oauth1-permissions',
]);

function weightedLength(text: string): number {
  return twitterText().parseTweet(text).weightedLength;
}

/**
 * An "@" (or X's other at sign, the fullwidth "＠") before a handle in the article's own
 * text: the post would notify whoever owns that handle. A WORD JOINER (U+2060) after the
 * sign keeps it visible but unlinked: twitter-text, whose rules X applies, takes a mention
 * only when the handle follows the sign at once, and treats "＠handle" as a mention, so the
 * fullwidth sign is no way out.
 */
const MENTION_SIGN = /(?<![\p{L}\p{N}_])[@＠](?=[A-Za-z0-9_])/gu;
const ARTICLE_TEXT: ReadonlySet<Part['kind']> = new Set(['title', 'summary', 'author', 'categories']);

/** Plain text, as X shows it; NFC because X counts (and stores) the normalized form. */
function formatPlain(parts: Part[]): string {
  const text = parts
    .map((p) => (ARTICLE_TEXT.has(p.kind) && (p.text.includes('@') || p.text.includes('＠')) ? p.text.replace(MENTION_SIGN, '$&\u2060') : p.text))
    .join('')
    .normalize('NFC');
  return withoutForbidden(text);
}

const rules: PlatformRules = {
  defaultTemplate: '{title}\n\n{summary}\n\n{link}\n{hashtags}',
  layouts: [{ name: 'text', budgets: [{ unit: 'weighted', limit: MAX_WEIGHTED_LENGTH, count: weightedLength, prefixWeights: xPrefixWeights, linkWeight: xLinkWeight }] }],
  format: formatPlain,
};

const OAUTH1_KEYS = ['appKey', 'appSecret', 'accessToken', 'accessSecret'] as const;
const WHICH_KEYS =
  'X takes either appKey, appSecret, accessToken and accessSecret (OAuth 1.0a), or clientId, clientSecret and optionally refreshToken (OAuth 2.0, connected with `herald auth CHANNEL`)';

const optionalKey = z.string().min(1).optional();

const schema = z.strictObject({
  auth: z
    .strictObject({
      appKey: optionalKey,
      appSecret: optionalKey,
      accessToken: optionalKey,
      accessSecret: optionalKey,
      clientId: optionalKey.describe('OAuth 2.0 Client ID of the X app'),
      clientSecret: optionalKey.describe('OAuth 2.0 Client Secret (confidential clients)'),
      refreshToken: optionalKey.describe('A refresh token to start from without `herald auth`; the stored one wins once used'),
    })
    .superRefine((auth, ctx) => {
      const oauth1 = OAUTH1_KEYS.filter((k) => auth[k] !== undefined);
      if (auth.clientId !== undefined) {
        if (oauth1.length > 0) ctx.addIssue({ code: 'custom', path: [oauth1[0]!], message: `not with clientId: ${WHICH_KEYS}` });
        return;
      }
      if (auth.clientSecret !== undefined || auth.refreshToken !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['clientId'], message: `required with clientSecret or refreshToken: ${WHICH_KEYS}` });
        return;
      }
      for (const key of OAUTH1_KEYS) if (auth[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required: ${WHICH_KEYS}` });
    })
    .describe(`${WHICH_KEYS}. OAuth 1.0a: keys of an app with "Read and write" permission and the posting account's access token`),
  media: z
    .boolean()
    .default(false)
    .describe('Attach the article image (at most 5 MB); when it cannot be fetched or uploaded the post goes out without it'),
  redirectUri: z.url().optional().describe('For `herald auth`: the callback URL registered with the X app (default http://127.0.0.1:PORT/callback)'),
  authorizeUrl: z.url().optional().describe('X\'s authorization page, default https://x.com/i/oauth2/authorize (a test fake may stand in)'),
});

function abortingOn(signal: AbortSignal): ITwitterApiClientPlugin {
  return {
    onBeforeRequest({ requestOptions }) {
      requestOptions.signal = signal;
    },
  };
}

/** X's own words for a refusal: the problem's detail and every listed error. */
function xMessage(err: ApiResponseError, redact: Redactor): string {
  const data: unknown = err.data;
  if (typeof data === 'string') return excerpt(data, redact) || `HTTP ${err.code}`;
  const problem = (data ?? {}) as { title?: string; detail?: string; errors?: { message?: string; code?: number }[] };
  const messages = [
    problem.detail ?? problem.title,
    ...(problem.errors ?? []).map((e) => (e.code ? `${e.message} (code ${e.code})` : e.message)),
  ].filter((m): m is string => Boolean(m));
  return [...new Set(messages)].join('; ') || `HTTP ${err.code}`;
}

function problemType(err: ApiResponseError): string | undefined {
  const type = (err.data as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type : undefined;
}

function isDuplicate(err: ApiResponseError, message: string): boolean {
  return err.code === 403 && (DUPLICATE_CONTENT.test(message) || err.hasErrorCode(V1_DUPLICATE_STATUS));
}

/**
 * When the exhausted limit resets: the latest reset among the windows with nothing left
 * (15-minute, the user's 24-hour cap, the app's 24-hour cap), else the 15-minute window's.
 */
function rateLimitDelay(err: ApiResponseError, now: number): number | undefined {
  const limit = err.rateLimit;
  if (!limit) return undefined;
  const windows = [limit, limit.userDay, limit.day].filter(
    (w): w is SingleTwitterRateLimit => w !== undefined && Number.isFinite(w.reset),
  );
  const exhausted = windows.filter((w) => w.remaining === 0);
  const resets = (exhausted.length > 0 ? exhausted : [limit]).map((w) => w.reset);
  return delayUntil(Math.max(...resets) * 1000, now);
}

function responseOutcome(err: ApiResponseError, redact: Redactor, oauth2?: { channelId: string }): SendResult {
  const message = xMessage(err, redact);
  if (err.rateLimitError) {
    const afterMs = rateLimitDelay(err, Date.now());
    return { kind: 'retry', rateLimited: true, reason: `X rate limit reached: ${message}`, ...(afterMs !== undefined && { afterMs }) };
  }
  if (isDuplicate(err, message)) return { kind: 'already-posted', reason: `X refused it as a duplicate of a post already made: ${message}` };
  if (err.isAuthError) {
    return {
      kind: 'auth',
      reason: `X refused the credentials (HTTP ${err.code}: ${message}); ${
        oauth2 ? `run \`herald auth ${oauth2.channelId}\` to connect the account again` : 'check auth.appKey, auth.appSecret, auth.accessToken and auth.accessSecret'
      }`,
    };
  }
  const type = problemType(err);
  if (err.code === 403 && type && APP_CONFIG_PROBLEMS.has(type)) {
    return {
      kind: 'auth',
      reason: `X refused the app (HTTP 403: ${message}); give the app "Read and write" permission in a Project, then regenerate the access token`,
    };
  }
  if (err.code >= 500) return { kind: 'retry', reason: `X failed (HTTP ${err.code}: ${message})` };
  return { kind: 'permanent', reason: `X refused the post (HTTP ${err.code}): ${message}` };
}

/**
 * The network error behind an ApiRequestError. 1.29.1 stores it as `_options.error` while
 * its `requestError` getter reads `_options.requestError`, which is never set.
 */
function networkError(err: InstanceType<ErrorClasses['ApiRequestError']>): unknown {
  return err.requestError ?? (err as unknown as { _options?: { error?: unknown } })._options?.error ?? err;
}

function failureOutcome(lib: ErrorClasses, err: unknown, signal: AbortSignal, apiRoot: string, redact: Redactor, oauth2?: { channelId: string }): SendResult {
  if (err instanceof lib.ApiResponseError) return responseOutcome(err, redact, oauth2);
  if (signal.aborted) return { kind: 'in-doubt', reason: 'X did not answer before the send was abandoned; the post may have been published' };
  if (err instanceof lib.ApiRequestError) {
    const cause = networkError(err);
    if (wasNeverSent(cause)) return { kind: 'retry', reason: `X could not be reached at ${apiRoot}: ${describeError(cause)}` };
    return { kind: 'in-doubt', reason: `the connection to X failed after sending: ${describeError(cause)}` };
  }
  if (err instanceof lib.ApiPartialResponseError) {
    return { kind: 'in-doubt', reason: `X's answer was cut off: ${describeError(err.responseError)}` };
  }
  return { kind: 'in-doubt', reason: `sending to X failed unexpectedly: ${describeError(err)}` };
}

/** X's limit for an image description. */
const ALT_TEXT_MAX = 1000;

interface ImageUpload {
  client: TwitterApi;
  imageUrl: string;
  imageAlt: string | undefined;
  signal: AbortSignal;
  log: Logger;
  redact: Redactor;
}

/** The media id of the uploaded article image, or undefined (with a warning) when it cannot be attached. */
async function uploadImage({ client, imageUrl, imageAlt, signal, log, redact }: ImageUpload): Promise<string | undefined> {
  let mediaId: string;
  try {
    const image = await fetchImage(imageUrl, { maxBytes: IMAGE_MAX_BYTES, signal });
    const mediaType = [...IMAGE_TYPES].find((t) => t === image.contentType);
    if (!mediaType) throw new Error(`image ${imageUrl} is "${image.contentType}"; X takes JPEG, PNG, GIF or WebP`);
    mediaId = await client.v2.uploadMedia(image.data, { media_type: mediaType, media_category: 'tweet_image' });
  } catch (err) {
    log.warn({ imageUrl, reason: redact(describeError(err)) }, 'image not attached; posting the text alone');
    return undefined;
  }
  if (imageAlt) {
    try {
      await client.v2.createMediaMetadata(mediaId, { alt_text: { text: [...imageAlt].slice(0, ALT_TEXT_MAX).join('') } });
    } catch (err) {
      log.warn({ imageUrl, reason: redact(describeError(err)) }, 'image description not set; posting the image without it');
    }
  }
  return mediaId;
}

/** Signs each request: the OAuth 1.0a keys, or the stored OAuth 2.0 access token (renewed as it runs out). */
interface Signer {
  client(signal: AbortSignal): Promise<{ client: TwitterApi; version?: number }>;
  /** After X refused the token of `version`: a client with a renewed token, once; undefined for OAuth 1.0a. */
  renewed?(version: number, signal: AbortSignal): Promise<TwitterApi>;
  /** Renews an OAuth 2.0 token that runs out. */
  prepare?(): Promise<void>;
  channelId?: string;
}

/** Posts to X with OAuth 1.0a or OAuth 2.0 user context. */
export const xAdapter = defineAdapter({
  platform: 'x',
  schema,
  // A resend of a post that did go out is refused as duplicate content, which settles it.
  inDoubt: 'resend',
  pacing: { windows: [{ limit: 100, seconds: 900 }] },
  oauth: xOAuthFlow(DEFAULT_API_ROOT),
  async create(channel, ctx) {
    // Offline (a dry run, preview) nothing is sent: twitter-api-v2 is not even loaded.
    if (ctx.offline) return { rules, send: () => Promise.reject(new Error('offline: nothing is sent')) };
    const lib = await import('twitter-api-v2');
    const apiRoot = (channel.apiRoot ?? DEFAULT_API_ROOT).replace(/\/+$/, '');
    // twitter-api-v2 sends with https.request, which needs an http agent for an http:// root.
    const httpAgent = apiRoot.startsWith('http://') ? new http.Agent({ keepAlive: true }) : undefined;
    const redact = makeRedactor(Object.values(channel.auth).filter((v): v is string => v !== undefined));
    const log = ctx.logger.child({ channel: channel.id, platform: 'x' });
    const settings = (signal: AbortSignal) => ({ plugins: [towardsApiRoot(apiRoot), abortingOn(signal)], ...(httpAgent && { httpAgent }) });
    const signer = await signerFor(channel, ctx, lib, apiRoot, httpAgent, settings);

    const redacted = (result: SendResult): SendResult => ('reason' in result ? { ...result, reason: redact(result.reason) } : result);
    const oauth2 = signer.channelId === undefined ? undefined : { channelId: signer.channelId };

    return {
      rules,
      // A token that runs out is renewed before the send is claimed: a crash while renewing leaves nothing in doubt.
      ...(signer.prepare && { prepare: signer.prepare }),
      async send(post, { signal }) {
        if (signal.aborted) return { kind: 'retry', reason: 'the send was cancelled before it started' };
        let signed: Awaited<ReturnType<Signer['client']>>;
        try {
          signed = await signer.client(signal);
        } catch (err) {
          return renewalOutcome(err, channel.id);
        }
        const { client, version } = signed;
        const mediaId =
          channel.media && post.imageUrl
            ? await uploadImage({ client, imageUrl: post.imageUrl, imageAlt: post.imageAlt, signal, log, redact })
            : undefined;
        if (signal.aborted) return { kind: 'retry', reason: 'the send was cancelled before the post was sent' };
        const tweet = (c: TwitterApi) => c.v2.tweet({ text: post.text, ...(mediaId && { media: { media_ids: [mediaId] } }) });
        try {
          let data;
          try {
            ({ data } = await tweet(client));
          } catch (err) {
            if (!(signer.renewed && version !== undefined && err instanceof lib.ApiResponseError && err.code === 401)) throw err;
            let renewed: TwitterApi;
            try {
              renewed = await signer.renewed(version, signal);
            } catch (renewalErr) {
              return renewalOutcome(renewalErr, channel.id);
            }
            ({ data } = await tweet(renewed));
          }
          return { kind: 'sent', remoteId: data.id, url: `https://x.com/i/web/status/${data.id}` };
        } catch (err) {
          return redacted(failureOutcome(lib, err, signal, apiRoot, redact, oauth2));
        }
      },
      async close() {
        httpAgent?.destroy();
      },
    };
  },
});

async function signerFor(
  channel: { id: string; auth: z.infer<typeof schema>['auth'] },
  ctx: AdapterContext,
  lib: Pick<typeof import('twitter-api-v2'), 'TwitterApi' | 'ApiResponseError'>,
  apiRoot: string,
  httpAgent: http.Agent | undefined,
  settings: (signal: AbortSignal) => Partial<import('twitter-api-v2').IClientSettings>,
): Promise<Signer> {
  const { auth } = channel;
  if (auth.clientId === undefined) {
    const keys = { appKey: auth.appKey!, appSecret: auth.appSecret!, accessToken: auth.accessToken!, accessSecret: auth.accessSecret! };
    return { client: async (signal) => ({ client: new lib.TwitterApi(keys, settings(signal)) }) };
  }
  if (!ctx.credentials) throw new Error(`channel ${channel.id}: OAuth 2.0 tokens need the store, which is not open`);
  await ctx.credentials.checkKey();
  const app = { clientId: auth.clientId, ...(auth.clientSecret !== undefined && { clientSecret: auth.clientSecret }) };
  const tokenClient = appClient(lib, app, apiRoot, httpAgent);
  const tokens = new OAuthTokens(ctx.credentials, {
    ...(auth.refreshToken !== undefined && { seedRefreshToken: auth.refreshToken }),
    refresh: (refreshToken) => refreshXToken(lib, tokenClient, refreshToken),
    renewAheadMs: X_RENEW_AHEAD_MS,
  });
  return {
    channelId: channel.id,
    prepare: async () => void (await tokens.accessToken()),
    async client(signal) {
      const { token, version } = await tokens.accessToken();
      return { client: new lib.TwitterApi(token, settings(signal)), version };
    },
    async renewed(version, signal) {
      const { token } = await tokens.refused(version);
      return new lib.TwitterApi(token, settings(signal));
    },
  };
}

/** A renewal that X refused pauses the channel until `herald auth`; one that failed on the way is retried. */
function renewalOutcome(err: unknown, channelId: string): SendResult {
  if (err instanceof RenewalRefusedError) {
    return { kind: 'auth', reason: `X would not renew the channel's token (${err.message}); run \`herald auth ${channelId}\` to connect the account again` };
  }
  return { kind: 'retry', reason: `the channel's X token could not be renewed: ${describeError(err)}` };
}
