/**
 * Instagram (professional account): the article image with a caption, published in two
 * steps, `POST /{ig-user-id}/media` (a container Instagram fetches the image into) then
 * `POST /{ig-user-id}/media_publish` once the container is FINISHED. Links in captions are
 * not clickable, so the `{link}` placeholder renders as the channel's "link in bio" line.
 * https://developers.facebook.com/docs/instagram-platform/content-publishing
 */
import type { Metadata } from 'sharp';
import { z } from 'zod';
import { defineAdapter, type Part, type PlatformRules, type SendResult } from '../src/platform.ts';
import { utf16 } from '../src/render/count.ts';
import { makeRedactor } from '../src/redact.ts';
import { describeError } from './http-errors.ts';
import { DAILY_LIMIT_WAIT_MS, GraphApi, publishViaContainer, stringField } from './graph-api.ts';
import { INSTAGRAM_AUTHORIZE_URL, INSTAGRAM_TOKEN_URL, instagramOAuthFlow, refreshInstagramToken } from './instagram-oauth.ts';
import { oauthKeys, tokenOrApp } from './meta-oauth.ts';
import { configuredToken, storedTokens } from './meta-tokens.ts';
import { platformFetch } from './platform-fetch.ts';

/** Instagram API with Instagram Login; Facebook Login users set apiRoot to https://graph.facebook.com/v25.0. */
export const INSTAGRAM_API_ROOT = 'https://graph.instagram.com/v25.0';

export const INSTAGRAM_MAX_CAPTION = 2_200;
export const INSTAGRAM_MAX_HASHTAGS = 30;
export const INSTAGRAM_MAX_MENTIONS = 20;
/** "An Instagram professional account can only publish 50 posts within a 24 hour moving period." */
export const INSTAGRAM_POSTS_PER_DAY = 50;

const HASHTAG = /(?<![\p{L}\p{N}\p{M}_&])#[\p{L}\p{N}\p{M}_]+/gu;
const MENTION = /(?<![\p{L}\p{N}\p{M}_])@[\p{L}\p{N}_.]+/gu;

export function countHashtags(text: string): number {
  return text.match(HASHTAG)?.length ?? 0;
}

export function countMentions(text: string): number {
  return text.match(MENTION)?.length ?? 0;
}

export function instagramRules(linkInBio: string): PlatformRules {
  return {
    defaultTemplate: '{title}\n\n{summary}\n\n{link}\n\n{hashtags}',
    maxHashtags: INSTAGRAM_MAX_HASHTAGS,
    layouts: [
      {
        name: 'image',
        needsImage: true,
        budgets: [
          { unit: 'UTF-16', limit: INSTAGRAM_MAX_CAPTION, count: utf16 },
          { unit: 'hashtags', limit: INSTAGRAM_MAX_HASHTAGS, count: countHashtags },
          { unit: 'mentions', limit: INSTAGRAM_MAX_MENTIONS, count: countMentions },
        ],
      },
    ],
    format: (parts: Part[]) => parts.map((p) => (p.kind === 'link' ? linkInBio : p.text)).join(''),
  };
}

const PROBE_BYTES = 256 * 1024;
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
/** Instagram takes 4:5 (portrait) to 1.91:1 (landscape); 1% slack for pixel rounding (1200×628). */
const MIN_ASPECT = (4 / 5) * 0.99;
const MAX_ASPECT = 1.91 * 1.01;
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

/** The first `limit` bytes of a response body (the rest is not downloaded). */
async function readPrefix(response: Response, limit: number): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, limit);
}

function totalSize(response: Response): number | undefined {
  const range = response.headers.get('content-range')?.match(/\/(\d+)\s*$/);
  const value = range?.[1] ?? (response.status === 200 ? response.headers.get('content-length') : undefined);
  return value ? Number(value) : undefined;
}

/**
 * Checks that the article image is one Instagram will take (a public JPEG ≤ 8 MB, aspect
 * 4:5 … 1.91:1) by reading its first bytes; a failure result, or undefined when it is usable
 * (or when its dimensions cannot be read from the first bytes: Instagram then decides).
 */
export async function checkInstagramImage(url: string, signal: AbortSignal): Promise<SendResult | undefined> {
  let response: Response;
  let head: Buffer;
  try {
    response = await platformFetch(url, { headers: { range: `bytes=0-${PROBE_BYTES - 1}` }, signal });
    head = response.ok ? await readPrefix(response, PROBE_BYTES) : Buffer.alloc(0);
  } catch (err) {
    const why = signal.aborted ? 'cut off (timeout or shutdown)' : describeError(err);
    return { kind: 'retry', reason: `Instagram: could not read the article image ${url}: ${why}` };
  }
  if (response.status === 429 || response.status >= 500) {
    return { kind: 'retry', reason: `Instagram: the article image ${url} answered HTTP ${response.status}` };
  }
  if (!response.ok) {
    return { kind: 'permanent', reason: `Instagram needs a public JPEG image; the article image ${url} answered HTTP ${response.status}` };
  }
  const size = totalSize(response);
  if (size !== undefined && size > MAX_IMAGE_BYTES) {
    return { kind: 'permanent', reason: `Instagram takes images up to 8 MB; the article image ${url} has ${(size / 1048576).toFixed(1)} MB` };
  }
  const isJpeg = JPEG_MAGIC.every((byte, i) => head[i] === byte);
  const { default: sharp } = await import('sharp');
  let meta: Metadata | undefined;
  try {
    meta = await sharp(head).metadata();
  } catch {
    meta = undefined;
  }
  if (!isJpeg) {
    const what = meta?.format ? `a ${meta.format.toUpperCase()} image` : `not an image (${response.headers.get('content-type') ?? 'no Content-Type'})`;
    return { kind: 'permanent', reason: `Instagram needs a JPEG image; the article image ${url} is ${what}` };
  }
  if (!meta?.width || !meta.height) return undefined;
  const rotated = (meta.orientation ?? 1) >= 5;
  const [width, height] = rotated ? [meta.height, meta.width] : [meta.width, meta.height];
  const aspect = width / height;
  if (aspect < MIN_ASPECT || aspect > MAX_ASPECT) {
    return {
      kind: 'permanent',
      reason: `Instagram takes images from 4:5 to 1.91:1; the article image ${url} is ${width}×${height} (${aspect.toFixed(2)}:1)`,
    };
  }
  return undefined;
}

function quotaLeft(body: Record<string, unknown>): { used: number; total: number } | undefined {
  const entry = (body.data as { quota_usage?: unknown; config?: { quota_total?: unknown } }[] | undefined)?.[0];
  const used = entry?.quota_usage;
  const total = entry?.config?.quota_total;
  return typeof used === 'number' && typeof total === 'number' ? { used, total } : undefined;
}

export const instagramAdapter = defineAdapter({
  platform: 'instagram',
  schema: z.strictObject({
    igUserId: z.string().regex(/^\d+$/, 'the numeric Instagram professional account ID (GET /me?fields=user_id)'),
    auth: tokenOrApp('Instagram', 'accessToken', 'A long-lived Instagram user access token with instagram_business_content_publish'),
    linkInBio: z.string().min(1).default('Link in bio').describe('What {link} becomes: links in captions are not clickable'),
    ...oauthKeys('Instagram', INSTAGRAM_AUTHORIZE_URL),
    tokenUrl: z.url().optional().describe(`For \`herald auth\`: where the code is exchanged, default ${INSTAGRAM_TOKEN_URL} (a test fake may stand in)`),
  }),
  oauth: instagramOAuthFlow(INSTAGRAM_API_ROOT),
  inDoubt: 'hold',
  pacing: { windows: [{ limit: INSTAGRAM_POSTS_PER_DAY, seconds: 86_400 }] },
  async create(channel, ctx) {
    const root = (channel.apiRoot ?? INSTAGRAM_API_ROOT).replace(/\/+$/, '');
    const { accessToken } = channel.auth;
    const graph = new GraphApi({
      platform: 'Instagram',
      root,
      tokens: accessToken !== undefined ? configuredToken(accessToken) : await storedTokens(channel.id, ctx, (token) => refreshInstagramToken(root, token)),
      authHint:
        accessToken !== undefined
          ? `create a new long-lived access token and set auth.accessToken of channel ${channel.id} (see docs/platforms/instagram.md)`
          : `run \`herald auth ${channel.id}\` to connect the account again`,
      redact: makeRedactor(Object.values(channel.auth).filter((v): v is string => v !== undefined)),
    });
    const user = channel.igUserId;
    return {
      rules: instagramRules(channel.linkInBio),
      prepare: () => graph.renewIfDue(),
      async send(post, ctx) {
        const { signal } = ctx;
        if (!post.imageUrl) return { kind: 'permanent', reason: 'Instagram needs a JPEG image; the article has none' };
        const imageProblem = await checkInstagramImage(post.imageUrl, signal);
        if (imageProblem) return imageProblem;

        const limit = await graph.get(`${user}/content_publishing_limit`, { fields: 'quota_usage,config' }, 'prepare', signal);
        if (!limit.ok) return limit.result;
        const quota = quotaLeft(limit.body);
        if (quota && quota.used >= quota.total) {
          return {
            kind: 'retry',
            rateLimited: true,
            afterMs: DAILY_LIMIT_WAIT_MS,
            reason: `Instagram: publishing limit reached (${quota.used} of ${quota.total} posts in 24 hours)`,
          };
        }

        return publishViaContainer(
          graph,
          {
            platform: 'Instagram',
            createPath: `${user}/media`,
            publishPath: `${user}/media_publish`,
            params: { image_url: post.imageUrl, caption: post.text },
            statusFields: { status: 'status_code', detail: 'status' },
            where: 'the account',
          },
          signal,
        );
      },
    };
  },
});
