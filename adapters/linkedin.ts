/**
 * LinkedIn: an article share through the Posts API (`POST /rest/posts`), the commentary
 * in LinkedIn's "little" text format with the article as a card (source, title,
 * description, and the article image uploaded through the Images API as its thumbnail).
 * https://learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { defineAdapter, type Part, type PlatformRules, type SendResult } from '../src/platform.ts';
import { utf16 } from '../src/render/count.ts';
import { makeRedactor, type Redactor } from '../src/redact.ts';
import { fetchImage } from './fetch-image.ts';
import { describeError, retryAfterMs, wasNeverSent } from './http-errors.ts';
import { platformFetch } from './platform-fetch.ts';

export const LINKEDIN_API_ROOT = 'https://api.linkedin.com';
/** A LinkedIn-Version (YYYYMM) that was live when this was written; LinkedIn keeps each for about a year. */
export const LINKEDIN_DEFAULT_VERSION = '202605';
export const LINKEDIN_MAX_COMMENTARY = 3_000;
const MAX_THUMBNAIL_BYTES = 8 * 1024 * 1024;

/**
 * Characters the little format reserves: unescaped, LinkedIn silently cuts the commentary
 * at the first one it cannot parse. A backslash makes each one plain text.
 * https://learn.microsoft.com/linkedin/marketing/community-management/shares/little-text-format
 */
const RESERVED = /[\\|{}@[\]()<>#*_~]/g;
/** A hashtag LinkedIn's HashtagTemplate takes as is: letters, digits and combining marks. */
const HASHTAG_BODY = /^[\p{L}\p{N}\p{M}]+$/u;

export function escapeLittle(text: string): string {
  return text.replace(RESERVED, (c) => `\\${c}`);
}

/**
 * `#Tag` becomes `{hashtag|\#|Tag}`, LinkedIn's own form for a hashtag (the form its API
 * returns), so it stays a clickable hashtag; anything else in the hashtag line is escaped.
 */
export function littleHashtags(text: string): string {
  return text
    .split(/(\s+)/)
    .map((token) => (token.startsWith('#') && HASHTAG_BODY.test(token.slice(1)) ? `{hashtag|\\#|${token.slice(1)}}` : escapeLittle(token)))
    .join('');
}

/**
 * Every part is escaped, the link too: the escapes are removed when LinkedIn parses the
 * commentary, so the text readers see (and LinkedIn links) is the URL itself. The card
 * carries the link as well, as `content.article.source`.
 */
export function formatLittle(parts: Part[]): string {
  return parts.map((p) => (p.kind === 'hashtags' ? littleHashtags(p.text) : escapeLittle(p.text))).join('');
}

export const linkedinRules: PlatformRules = {
  defaultTemplate: '{title}\n\n{summary}\n\n{link}\n\n{hashtags}',
  layouts: [{ name: 'article', budgets: [{ unit: 'UTF-16, escaped', limit: LINKEDIN_MAX_COMMENTARY, count: utf16 }] }],
  format: formatLittle,
};

interface LinkedInError {
  status?: number;
  serviceErrorCode?: number;
  code?: string;
  message?: string;
}

const DUPLICATE = /duplicate of (urn:li:[A-Za-z]+:\d+)/i;

function describeLinkedInError(status: number, error: LinkedInError | undefined): string {
  const detail = [error?.code, error?.serviceErrorCode !== undefined ? `serviceErrorCode ${error.serviceErrorCode}` : undefined].filter(Boolean).join(', ');
  return `${error?.message ?? 'no message'} (HTTP ${status}${detail ? `, ${detail}` : ''})`;
}

/** What an error answer from `POST /rest/posts` means for the send. */
export function resultForLinkedInError(status: number, error: LinkedInError | undefined, headers: Headers, authHint: string): SendResult {
  const text = describeLinkedInError(status, error);
  const duplicate = error?.message?.match(DUPLICATE);
  if (duplicate) return { kind: 'already-posted', remoteId: duplicate[1]!, url: `https://www.linkedin.com/feed/update/${duplicate[1]}`, reason: `LinkedIn: ${text}` };
  if (status === 401) return { kind: 'auth', reason: `LinkedIn refused the access token: ${text}; ${authHint}` };
  if (status === 403) return { kind: 'auth', reason: `LinkedIn: the token may not post as this author: ${text}; ${authHint}` };
  if (status === 426 || error?.code === 'NONEXISTENT_VERSION' || error?.code === 'VERSION_MISSING') {
    return { kind: 'permanent', reason: `LinkedIn refused the API version: ${text}; set \`version\` to a current YYYYMM (see docs/platforms/linkedin.md)` };
  }
  if (status === 429) {
    const afterMs = retryAfterMs(headers);
    return { kind: 'retry', rateLimited: true, ...(afterMs !== undefined && { afterMs }), reason: `LinkedIn: rate limited: ${text}` };
  }
  if (status >= 500) {
    return { kind: 'in-doubt', reason: `LinkedIn: server error: ${text}; the post may have been published` };
  }
  return { kind: 'permanent', reason: `LinkedIn refused the post: ${text}` };
}

interface LinkedInClient {
  root: string;
  headers: Record<string, string>;
  author: string;
  redact: Redactor;
  logger: Logger;
}

/**
 * Uploads the article image as the card's thumbnail (LinkedIn does not fetch one for API
 * posts): `initializeUpload`, then a PUT of the bytes. Best effort: the post goes out
 * without a thumbnail when any step fails.
 */
async function uploadThumbnail(client: LinkedInClient, imageUrl: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    const init = await platformFetch(`${client.root}/rest/images?action=initializeUpload`, {
      method: 'POST',
      headers: client.headers,
      body: JSON.stringify({ initializeUploadRequest: { owner: client.author } }),
      signal,
    });
    const answer = (await init.json().catch(() => undefined)) as { value?: { uploadUrl?: string; image?: string } } | undefined;
    const { uploadUrl, image } = answer?.value ?? {};
    if (!init.ok || !uploadUrl || !image) throw new Error(`initializeUpload answered HTTP ${init.status}`);
    const { data, contentType } = await fetchImage(imageUrl, { maxBytes: MAX_THUMBNAIL_BYTES, signal });
    const put = await platformFetch(uploadUrl, {
      method: 'PUT',
      headers: { authorization: client.headers.authorization!, 'content-type': contentType },
      body: new Uint8Array(data),
      signal,
    });
    if (!put.ok) throw new Error(`the image upload answered HTTP ${put.status}`);
    return image;
  } catch (err) {
    client.logger.warn({ imageUrl, reason: client.redact(describeError(err)) }, 'LinkedIn: no thumbnail; posting the card without one');
    return undefined;
  }
}

export const linkedinAdapter = defineAdapter({
  platform: 'linkedin',
  schema: z.strictObject({
    author: z
      .string()
      .regex(/^urn:li:(person|organization):[A-Za-z0-9_-]+$/, 'a person or organization URN: urn:li:person:… or urn:li:organization:…'),
    auth: z.strictObject({
      accessToken: z.string().min(1).describe('OAuth 2.0 access token with w_member_social (person) or w_organization_social (organization)'),
    }),
    version: z
      .string()
      .regex(/^\d{6}$/, 'a LinkedIn API version in YYYYMM form, e.g. 202605')
      .default(LINKEDIN_DEFAULT_VERSION)
      .describe('Sent as the Linkedin-Version header'),
  }),
  inDoubt: 'hold',
  async create(channel, ctx) {
    const redact = makeRedactor([channel.auth.accessToken]);
    const authHint = `create a new access token for ${channel.author} and set auth.accessToken of channel ${channel.id} (see docs/platforms/linkedin.md)`;
    const client: LinkedInClient = {
      root: (channel.apiRoot ?? LINKEDIN_API_ROOT).replace(/\/+$/, ''),
      headers: {
        authorization: `Bearer ${channel.auth.accessToken}`,
        'content-type': 'application/json',
        'linkedin-version': channel.version,
        'x-restli-protocol-version': '2.0.0',
      },
      author: channel.author,
      redact,
      logger: ctx.logger,
    };
    return {
      rules: linkedinRules,
      async send(post, { signal }) {
        const thumbnail = post.imageUrl ? await uploadThumbnail(client, post.imageUrl, signal) : undefined;
        const article = {
          source: post.link,
          title: post.title,
          ...(post.summary && { description: post.summary }),
          ...(thumbnail && { thumbnail }),
        };
        const body = {
          author: channel.author,
          commentary: post.text,
          visibility: 'PUBLIC',
          distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
          content: { article },
          lifecycleState: 'PUBLISHED',
          isReshareDisabledByAuthor: false,
        };
        if (signal.aborted) return { kind: 'retry', reason: 'LinkedIn: cut off (timeout or shutdown) before the post was sent' };
        let response: Response;
        let answer: unknown;
        try {
          response = await platformFetch(`${client.root}/rest/posts`, { method: 'POST', headers: client.headers, body: JSON.stringify(body), signal });
          answer = await response.json().catch(() => undefined);
        } catch (err) {
          if (wasNeverSent(err)) return { kind: 'retry', reason: redact(`LinkedIn could not be reached at ${client.root}: ${describeError(err)}`) };
          const why = signal.aborted ? 'the request was cut off (timeout or shutdown)' : describeError(err);
          return { kind: 'in-doubt', reason: redact(`LinkedIn: ${why} after the post was sent; it may have been published`) };
        }
        if (!response.ok) {
          const result = resultForLinkedInError(response.status, answer as LinkedInError | undefined, response.headers, authHint);
          return 'reason' in result ? { ...result, reason: redact(result.reason) } : result;
        }
        const urn = response.headers.get('x-restli-id');
        if (!urn) return { kind: 'already-posted', reason: `LinkedIn created the post (HTTP ${response.status}) but gave no x-restli-id` };
        return { kind: 'sent', remoteId: urn, url: `https://www.linkedin.com/feed/update/${urn}` };
      },
    };
  },
});
