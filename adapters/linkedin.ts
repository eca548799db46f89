/**
 * LinkedIn: an article share through the Posts API (`POST /rest/posts`), the commentary
 * in LinkedIn's "little" text format with the article as a card (source, title,
 * description, and the article image uploaded through the Images API as its thumbnail).
 * A correction replaces the commentary (`POST /rest/posts/{urn}`, a partial update); the card stays.
 * https://learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { RenewalRefusedError } from '../src/auth/oauth-tokens.ts';
import { defineAdapter, type EditResult, type Part, type PlatformRules, type RemotePost, type RenderedPost, type SendResult } from '../src/platform.ts';
import { utf16 } from '../src/render/count.ts';
import { makeRedactor, type Redactor } from '../src/redact.ts';
import { fetchImage } from './fetch-image.ts';
import { editResultOf } from './edit-result.ts';
import { describeError, retryAfterMs, wasNeverSent } from './http-errors.ts';
import { linkedinOAuthFlow, linkedinTokens } from './linkedin-oauth.ts';
import { TokenSourceError } from './token-renewal.ts';
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
/** LinkedIn's words for a token it no longer takes (with 401, serviceErrorCode 65600–65602). */
const TOKEN_REFUSED = new Set(['INVALID_ACCESS_TOKEN', 'REVOKED_ACCESS_TOKEN', 'EXPIRED_ACCESS_TOKEN']);

/** LinkedIn refused the access token itself (not the author or scope): a renewed token may be taken. */
function tokenRefused(status: number, error: LinkedInError | undefined): boolean {
  return status === 401 || TOKEN_REFUSED.has(error?.code ?? '');
}

function describeLinkedInError(status: number, error: LinkedInError | undefined): string {
  const detail = [error?.code, error?.serviceErrorCode !== undefined ? `serviceErrorCode ${error.serviceErrorCode}` : undefined].filter(Boolean).join(', ');
  return `${error?.message ?? 'no message'} (HTTP ${status}${detail ? `, ${detail}` : ''})`;
}

/** What an error answer from `POST /rest/posts` means for the send. */
export function resultForLinkedInError(status: number, error: LinkedInError | undefined, headers: Headers, authHint: string): SendResult {
  const text = describeLinkedInError(status, error);
  const duplicate = error?.message?.match(DUPLICATE);
  if (duplicate) return { kind: 'already-posted', remoteId: duplicate[1]!, url: `https://www.linkedin.com/feed/update/${duplicate[1]}`, reason: `LinkedIn: ${text}` };
  if (tokenRefused(status, error)) return { kind: 'auth', reason: `LinkedIn refused the access token: ${text}; ${authHint}` };
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

const WHICH_KEYS =
  'LinkedIn takes either accessToken (a 60-day token you renew by hand), or clientId, clientSecret and optionally refreshToken (an app whose tokens Herald keeps in the store and renews where LinkedIn allows, connected with `herald auth CHANNEL`)';

const authSchema = z
  .strictObject({
    accessToken: z.string().min(1).optional().describe('OAuth 2.0 access token with w_member_social (person) or w_organization_social (organization)'),
    clientId: z.string().min(1).optional().describe("The app's Client ID (Auth tab): Herald keeps the member's tokens in the store"),
    clientSecret: z.string().min(1).optional().describe("The app's Primary Client Secret"),
    refreshToken: z.string().min(1).optional().describe('A programmatic refresh token to start from; the stored one wins once used'),
  })
  .superRefine((auth, ctx) => {
    if (auth.clientId === undefined && auth.clientSecret === undefined && auth.refreshToken === undefined) {
      if (auth.accessToken === undefined) ctx.addIssue({ code: 'custom', path: ['accessToken'], message: `required: ${WHICH_KEYS}` });
      return;
    }
    if (auth.accessToken !== undefined) ctx.addIssue({ code: 'custom', path: ['accessToken'], message: `not with clientId: ${WHICH_KEYS}` });
    for (const key of ['clientId', 'clientSecret'] as const) {
      if (auth[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required: ${WHICH_KEYS}` });
    }
  })
  .describe(WHICH_KEYS);

export const linkedinAdapter = defineAdapter({
  platform: 'linkedin',
  schema: z.strictObject({
    author: z
      .string()
      .regex(/^urn:li:(person|organization):[A-Za-z0-9_-]+$/, 'a person or organization URN: urn:li:person:… or urn:li:organization:…'),
    auth: authSchema,
    version: z
      .string()
      .regex(/^\d{6}$/, 'a LinkedIn API version in YYYYMM form, e.g. 202605')
      .default(LINKEDIN_DEFAULT_VERSION)
      .describe('Sent as the Linkedin-Version header'),
    redirectUri: z.url().optional().describe('For `herald auth`: the redirect URL registered on the app (default http://127.0.0.1:PORT/callback)'),
    oauthRoot: z
      .url()
      .optional()
      .describe("LinkedIn's OAuth host for the authorization page and the token endpoint, default https://www.linkedin.com (the token endpoint follows apiRoot when only that is set)"),
    authorizeUrl: z.url().optional().describe("LinkedIn's authorization page, default {oauthRoot}/oauth/v2/authorization (a test fake may stand in)"),
  }),
  oauth: linkedinOAuthFlow(LINKEDIN_API_ROOT),
  inDoubt: 'hold',
  edit: {},
  async create(channel, ctx) {
    const secrets = Object.values(channel.auth).filter((v): v is string => v !== undefined);
    const redact = makeRedactor(secrets);
    const tokens = await linkedinTokens(channel, ctx);
    const authHint = tokens.renews
      ? `run \`herald auth ${channel.id}\` to connect the account again`
      : `create a new access token for ${channel.author} and set auth.accessToken of channel ${channel.id} (see docs/platforms/linkedin.md)`;
    const root = (channel.apiRoot ?? LINKEDIN_API_ROOT).replace(/\/+$/, '');
    const clientWith = (token: string): LinkedInClient => ({
      root,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'linkedin-version': channel.version,
        'x-restli-protocol-version': '2.0.0',
      },
      author: channel.author,
      redact: makeRedactor([...secrets, token]),
      logger: ctx.logger,
    });
    const scrub = <R extends SendResult | EditResult>(result: R): R => ('reason' in result ? { ...result, reason: redact(result.reason) } : result);

    /**
     * Runs `attempt` with the channel's token, and once more with a renewed one when
     * LinkedIn refused the token (nothing was posted then). A renewal LinkedIn refuses ends
     * as `refused` (the channel pauses); one that failed on the way as `unrenewed` (retried).
     */
    async function withToken<R extends SendResult | EditResult>(
      attempt: (client: LinkedInClient) => Promise<{ result: R; tokenRefused: boolean }>,
      outcomes: { refused: (reason: string) => R; unrenewed: (reason: string) => R },
    ): Promise<R> {
      try {
        let token = await tokens.current();
        let done = await attempt(clientWith(token.token));
        if (tokens.renews && done.tokenRefused) {
          token = await tokens.refused(token.version);
          done = await attempt(clientWith(token.token));
        }
        return scrub(done.result);
      } catch (err) {
        if (err instanceof RenewalRefusedError) {
          return scrub(outcomes.refused(`LinkedIn: the channel's token cannot be renewed (${await tokens.refusal(err)}); run \`herald auth ${channel.id}\` to connect the account again`));
        }
        if (err instanceof TokenSourceError) return scrub(outcomes.unrenewed(`the channel's LinkedIn token could not be renewed: ${err.message}`));
        throw err;
      }
    }

    async function post(client: LinkedInClient, rendered: RenderedPost, signal: AbortSignal): Promise<{ result: SendResult; tokenRefused: boolean }> {
      const thumbnail = rendered.imageUrl ? await uploadThumbnail(client, rendered.imageUrl, signal) : undefined;
      const article = {
        source: rendered.link,
        title: rendered.title,
        ...(rendered.summary && { description: rendered.summary }),
        ...(thumbnail && { thumbnail }),
      };
      const body = {
        author: channel.author,
        commentary: rendered.text,
        visibility: 'PUBLIC',
        distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
        content: { article },
        lifecycleState: 'PUBLISHED',
        isReshareDisabledByAuthor: false,
      };
      const settled = (result: SendResult) => ({ result, tokenRefused: false });
      if (signal.aborted) return settled({ kind: 'retry', reason: 'LinkedIn: cut off (timeout or shutdown) before the post was sent' });
      let response: Response;
      let answer: unknown;
      try {
        response = await platformFetch(`${client.root}/rest/posts`, { method: 'POST', headers: client.headers, body: JSON.stringify(body), signal });
        answer = await response.json().catch(() => undefined);
      } catch (err) {
        if (wasNeverSent(err)) return settled({ kind: 'retry', reason: client.redact(`LinkedIn could not be reached at ${client.root}: ${describeError(err)}`) });
        const why = signal.aborted ? 'the request was cut off (timeout or shutdown)' : describeError(err);
        return settled({ kind: 'in-doubt', reason: client.redact(`LinkedIn: ${why} after the post was sent; it may have been published`) });
      }
      if (!response.ok) {
        const error = answer as LinkedInError | undefined;
        const result = resultForLinkedInError(response.status, error, response.headers, authHint);
        return { result: 'reason' in result ? { ...result, reason: client.redact(result.reason) } : result, tokenRefused: tokenRefused(response.status, error) };
      }
      const urn = response.headers.get('x-restli-id');
      if (!urn) return settled({ kind: 'already-posted', reason: `LinkedIn created the post (HTTP ${response.status}) but gave no x-restli-id` });
      return settled({ kind: 'sent', remoteId: urn, url: `https://www.linkedin.com/feed/update/${urn}` });
    }

    async function replaceCommentary(client: LinkedInClient, remote: RemotePost, rendered: RenderedPost, signal: AbortSignal): Promise<{ result: EditResult; tokenRefused: boolean }> {
      const settled = (result: EditResult) => ({ result, tokenRefused: false });
      if (signal.aborted) return settled({ kind: 'retry', reason: 'LinkedIn: cut off (timeout or shutdown) before the edit was sent' });
      let response: Response;
      let answer: unknown;
      try {
        response = await platformFetch(`${client.root}/rest/posts/${encodeURIComponent(remote.remoteId)}`, {
          method: 'POST',
          headers: { ...client.headers, 'x-restli-method': 'PARTIAL_UPDATE' },
          body: JSON.stringify({ patch: { $set: { commentary: rendered.text } } }),
          signal,
        });
        answer = await response.json().catch(() => undefined);
      } catch (err) {
        return settled({ kind: 'retry', reason: client.redact(`LinkedIn: ${signal.aborted ? 'the edit was cut off (timeout or shutdown)' : describeError(err)}`) });
      }
      if (response.ok) return settled({ kind: 'edited' });
      const error = answer as LinkedInError | undefined;
      if (response.status === 404) return settled({ kind: 'gone', reason: client.redact(`LinkedIn: ${describeLinkedInError(404, error)}`) });
      const result = editResultOf(resultForLinkedInError(response.status, error, response.headers, authHint));
      return { result: 'reason' in result ? { ...result, reason: client.redact(result.reason) } : result, tokenRefused: tokenRefused(response.status, error) };
    }

    return {
      rules: linkedinRules,
      // A token that runs out is renewed before the send is claimed, so a crash while renewing holds no post in doubt.
      prepare: async () => void (tokens.renews && !ctx.offline && (await tokens.current())),
      send: (rendered, { signal }) =>
        withToken<SendResult>((client) => post(client, rendered, signal), {
          refused: (reason) => ({ kind: 'auth', reason }),
          unrenewed: (reason) => ({ kind: 'retry', reason }),
        }),
      edit: (remote, rendered, { signal }) =>
        withToken<EditResult>((client) => replaceCommentary(client, remote, rendered, signal), {
          refused: (reason) => ({ kind: 'auth', reason }),
          unrenewed: (reason) => ({ kind: 'retry', reason }),
        }),
    };
  },
});
