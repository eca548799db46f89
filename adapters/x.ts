/**
 * X (Twitter): POST /2/tweets with OAuth 1.0a user context through twitter-api-v2,
 * fitted with twitter-text's weighted length.
 */
import http from 'node:http';
import { z } from 'zod';
import { twitterText } from './twitter-text.ts';
import type { ApiResponseError, ITwitterApiClientPlugin, SingleTwitterRateLimit, TwitterApi } from 'twitter-api-v2';
import type { Logger } from 'pino';
import { defineAdapter, type Part, type PlatformRules, type SendResult } from '../src/platform.ts';
import { makeRedactor, type Redactor } from '../src/redact.ts';
import { HERALD_USER_AGENT } from '../src/version.ts';
import { fetchImage } from './fetch-image.ts';
import { delayUntil, describeError, excerpt, wasNeverSent } from './http-errors.ts';

type ErrorClasses = Pick<typeof import('twitter-api-v2'), 'ApiResponseError' | 'ApiRequestError' | 'ApiPartialResponseError'>;

const DEFAULT_API_ROOT = 'https://api.x.com';
const MAX_WEIGHTED_LENGTH = 280;
const IMAGE_MAX_BYTES = 5 * 1_048_576;
/** Image types X takes for a tweet. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const);
/** Characters that make twitter-text (and X) reject a whole tweet. */
const FORBIDDEN_CHARACTERS = /[\uFFFE\uFEFF\uFFFF]/g;
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
  return parts
    .map((p) => (ARTICLE_TEXT.has(p.kind) ? p.text.replace(MENTION_SIGN, '$&\u2060') : p.text))
    .join('')
    .normalize('NFC')
    .replace(FORBIDDEN_CHARACTERS, '');
}

const rules: PlatformRules = {
  defaultTemplate: '{title}\n\n{summary}\n\n{link}\n{hashtags}',
  layouts: [{ name: 'text', budgets: [{ unit: 'weighted', limit: MAX_WEIGHTED_LENGTH, count: weightedLength }] }],
  format: formatPlain,
};

const schema = z.strictObject({
  auth: z
    .strictObject({
      appKey: z.string().min(1),
      appSecret: z.string().min(1),
      accessToken: z.string().min(1),
      accessSecret: z.string().min(1),
    })
    .describe('OAuth 1.0a keys of an X app with "Read and write" permission, and the posting account\'s access token'),
  media: z
    .boolean()
    .default(false)
    .describe('Attach the article image (at most 5 MB); when it cannot be fetched or uploaded the post goes out without it'),
});

type XKeys = z.infer<typeof schema>['auth'];

/**
 * twitter-api-v2 has no base-URL option: rewrite each request to `apiRoot` before its OAuth
 * signature is computed. The body encoding is otherwise guessed from the host and path,
 * so pin the one api.x.com's v2 endpoints take.
 */
function towardsApiRoot(apiRoot: string): ITwitterApiClientPlugin {
  return {
    onBeforeRequestConfig({ params }) {
      params.headers = { ...params.headers, 'user-agent': HERALD_USER_AGENT, 'x-user-agent': HERALD_USER_AGENT };
      const original = new URL(params.url);
      if (original.pathname.startsWith('/2/')) params.forceBodyMode ??= 'json';
      params.url = apiRoot + original.pathname + original.search;
    },
  };
}

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

function responseOutcome(err: ApiResponseError, redact: Redactor): SendResult {
  const message = xMessage(err, redact);
  if (err.rateLimitError) {
    const afterMs = rateLimitDelay(err, Date.now());
    return { kind: 'retry', rateLimited: true, reason: `X rate limit reached: ${message}`, ...(afterMs !== undefined && { afterMs }) };
  }
  if (isDuplicate(err, message)) return { kind: 'already-posted', reason: `X refused it as a duplicate of a post already made: ${message}` };
  if (err.isAuthError) {
    return {
      kind: 'auth',
      reason: `X refused the credentials (HTTP ${err.code}: ${message}); check auth.appKey, auth.appSecret, auth.accessToken and auth.accessSecret`,
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

function failureOutcome(lib: ErrorClasses, err: unknown, signal: AbortSignal, apiRoot: string, redact: Redactor): SendResult {
  if (err instanceof lib.ApiResponseError) return responseOutcome(err, redact);
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

/** Posts to X with OAuth 1.0a user context. */
export const xAdapter = defineAdapter({
  platform: 'x',
  schema,
  // A resend of a post that did go out is refused as duplicate content, which settles it.
  inDoubt: 'resend',
  pacing: { windows: [{ limit: 100, seconds: 900 }] },
  async create(channel, ctx) {
    const lib = await import('twitter-api-v2');
    const apiRoot = (channel.apiRoot ?? DEFAULT_API_ROOT).replace(/\/+$/, '');
    // twitter-api-v2 sends with https.request, which needs an http agent for an http:// root.
    const httpAgent = apiRoot.startsWith('http://') ? new http.Agent({ keepAlive: true }) : undefined;
    const keys: XKeys = channel.auth;
    const redact = makeRedactor(Object.values(keys));
    const log = ctx.logger.child({ channel: channel.id, platform: 'x' });

    const clientFor = (signal: AbortSignal) =>
      new lib.TwitterApi(
        { appKey: keys.appKey, appSecret: keys.appSecret, accessToken: keys.accessToken, accessSecret: keys.accessSecret },
        { plugins: [towardsApiRoot(apiRoot), abortingOn(signal)], ...(httpAgent && { httpAgent }) },
      );

    const redacted = (result: SendResult): SendResult => ('reason' in result ? { ...result, reason: redact(result.reason) } : result);

    return {
      rules,
      async send(post, { signal }) {
        if (signal.aborted) return { kind: 'retry', reason: 'the send was cancelled before it started' };
        const client = clientFor(signal);
        const mediaId =
          channel.media && post.imageUrl
            ? await uploadImage({ client, imageUrl: post.imageUrl, imageAlt: post.imageAlt, signal, log, redact })
            : undefined;
        if (signal.aborted) return { kind: 'retry', reason: 'the send was cancelled before the post was sent' };
        try {
          const { data } = await client.v2.tweet({ text: post.text, ...(mediaId && { media: { media_ids: [mediaId] } }) });
          return { kind: 'sent', remoteId: data.id, url: `https://x.com/i/web/status/${data.id}` };
        } catch (err) {
          return redacted(failureOutcome(lib, err, signal, apiRoot, redact));
        }
      },
      async close() {
        httpAgent?.destroy();
      },
    };
  },
});
