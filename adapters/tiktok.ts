/**
 * TikTok: the article image as a photo post through the Content Posting API
 * (`POST /v2/post/publish/content/init/`, media_type PHOTO, PULL_FROM_URL), the title in
 * the post's title and the rendered text as its description; then a short look at
 * `POST /v2/post/publish/status/fetch/` to catch an early failure.
 * https://developers.tiktok.com/doc/content-posting-api-reference-photo-post
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { OAuthTokens, RenewalRefusedError } from '../src/auth/oauth-tokens.ts';
import { defineAdapter, type AdapterContext, type PlatformRules, type SendResult } from '../src/platform.ts';
import { utf16 } from '../src/render/count.ts';
import { shorten } from '../src/render/shorten.ts';
import { makeRedactor } from '../src/redact.ts';
import { describeError, retryAfterMs, wasNeverSent } from './http-errors.ts';
import { platformFetch } from './platform-fetch.ts';
import { renewing, TokenSourceError } from './token-renewal.ts';
import { refreshTikTokToken, TIKTOK_RENEW_AHEAD_MS, tiktokOAuthFlow } from './tiktok-oauth.ts';

export const TIKTOK_API_ROOT = 'https://open.tiktokapis.com';
/** "The maximum length for photo posts is 90 in UTF-16 runes." */
export const TIKTOK_MAX_TITLE = 90;
/** "The maximum length for photo posts is 4000 in UTF-16 runes." */
export const TIKTOK_MAX_DESCRIPTION = 4_000;
/** "Each user access_token is limited to six requests per minute." */
const INIT_PER_MINUTE = 6;
const RATE_LIMIT_WAIT_MS = 60_000;
/** TikTok's per-account caps on posts through the API reset within a day; look again in an hour. */
const POSTING_CAP_WAIT_MS = 60 * 60 * 1000;
/** Status checks after init: long enough to catch a refused image, short of moderation (which can take hours). */
const STATUS_DELAYS_MS = [500, 1000, 2000, 4000];

export const PRIVACY_LEVELS = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'] as const;

export const tiktokRules: PlatformRules = {
  defaultTemplate: '{title}\n\n{summary}\n\n{hashtags}',
  layouts: [{ name: 'photo', needsImage: true, budgets: [{ unit: 'UTF-16', limit: TIKTOK_MAX_DESCRIPTION, count: utf16 }] }],
};

/** The photo post's title: the article title, shortened at a word (else grapheme) boundary to 90 UTF-16 units. */
export function tiktokTitle(title: string): string {
  const fits = (t: string) => utf16(t) <= TIKTOK_MAX_TITLE;
  return fits(title) ? title : (shorten(title, fits, ['word', 'grapheme']) ?? '');
}

interface TikTokError {
  code?: string;
  message?: string;
  log_id?: string;
}

interface TikTokAnswer {
  data?: { publish_id?: string; status?: string; fail_reason?: string; publicaly_available_post_id?: (string | number)[] };
  error?: TikTokError;
}

const AUTH_CODES = new Set(['access_token_invalid', 'scope_not_authorized', 'scope_permission_missed']);
const CAP_CODES = new Set(['spam_risk_too_many_posts', 'spam_risk_too_many_pending_share', 'reached_active_user_cap']);
const HINTS: Record<string, string> = {
  url_ownership_unverified:
    'the image URL is not on a domain or URL prefix verified for the app: verify the site in the TikTok developer portal (Manage URL properties) — see docs/platforms/tiktok.md',
  privacy_level_option_mismatch: "privacyLevel is not one the creator's account allows: pick one of the creator's privacy_level_options",
  unaudited_client_can_only_post_to_private_accounts:
    'the app has not passed TikTok\'s audit, so it may only post with privacyLevel SELF_ONLY from a private account: set privacyLevel: SELF_ONLY or get the app audited',
};

function describeTikTokError(status: number, error: TikTokError | undefined): string {
  const detail = [`HTTP ${status}`, error?.code, error?.log_id && `log_id ${error.log_id}`].filter(Boolean).join(', ');
  return `${error?.message || 'no message'} (${detail})`;
}

/** What an error answer from the init endpoint means for the send. */
export function resultForTikTokError(status: number, error: TikTokError | undefined, headers: Headers, authHint: string): SendResult {
  const code = error?.code ?? '';
  const text = describeTikTokError(status, error);
  if (AUTH_CODES.has(code) || status === 401) return { kind: 'auth', reason: `TikTok refused the access token: ${text}; ${authHint}` };
  if (code === 'rate_limit_exceeded' || status === 429) {
    return { kind: 'retry', rateLimited: true, afterMs: retryAfterMs(headers) ?? RATE_LIMIT_WAIT_MS, reason: `TikTok: rate limited: ${text}` };
  }
  if (CAP_CODES.has(code)) {
    return { kind: 'retry', rateLimited: true, afterMs: POSTING_CAP_WAIT_MS, reason: `TikTok: the account's posting cap is reached: ${text}` };
  }
  if (status >= 500 || code === 'internal_error') {
    return { kind: 'in-doubt', reason: `TikTok: server error: ${text}; the post may have been started` };
  }
  const hint = HINTS[code];
  return { kind: 'permanent', reason: `TikTok refused the post: ${text}${hint ? `; ${hint}` : ''}` };
}

const RETRYABLE_FAIL_REASON = /internal|pull_failed|timeout/i;

export const tiktokAdapter = defineAdapter({
  platform: 'tiktok',
  schema: z.strictObject({
    auth: z
      .strictObject({
        accessToken: z.string().min(1).optional().describe('User access token with video.publish (DIRECT_POST) or video.upload (MEDIA_UPLOAD)'),
        clientId: z.string().min(1).optional().describe("The app's client key: Herald keeps and renews the account's tokens in the store"),
        clientSecret: z.string().min(1).optional().describe("The app's client secret"),
        refreshToken: z.string().min(1).optional().describe('A refresh token to start from; the stored one wins once used'),
      })
      .superRefine((auth, ctx) => {
        const which = 'TikTok takes either accessToken, or clientId, clientSecret and optionally refreshToken (an app whose tokens Herald keeps and renews, connected with `herald auth CHANNEL`)';
        if (auth.clientId === undefined && auth.clientSecret === undefined && auth.refreshToken === undefined) {
          if (auth.accessToken === undefined) ctx.addIssue({ code: 'custom', path: ['accessToken'], message: `required: ${which}` });
          return;
        }
        if (auth.accessToken !== undefined) ctx.addIssue({ code: 'custom', path: ['accessToken'], message: `not with clientId: ${which}` });
        for (const key of ['clientId', 'clientSecret'] as const) {
          if (auth[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required: ${which}` });
        }
      }),
    privacyLevel: z
      .enum(PRIVACY_LEVELS)
      .default('PUBLIC_TO_EVERYONE')
      .describe("Must be one of the creator's privacy_level_options; unaudited apps may only use SELF_ONLY"),
    postMode: z
      .enum(['DIRECT_POST', 'MEDIA_UPLOAD'])
      .default('DIRECT_POST')
      .describe('DIRECT_POST publishes; MEDIA_UPLOAD puts the post in the creator\'s TikTok inbox to finish in the app'),
    disableComment: z.boolean().default(false),
    autoAddMusic: z.boolean().default(false).describe('Let TikTok add recommended music to the photo post'),
    redirectUri: z.url().optional().describe('For `herald auth`: the redirect URI registered with the app (default http://127.0.0.1:PORT/callback)'),
    authorizeUrl: z.url().optional().describe("TikTok's authorization page, default https://www.tiktok.com/v2/auth/authorize/ (a test fake may stand in)"),
  }),
  oauth: tiktokOAuthFlow(TIKTOK_API_ROOT),
  inDoubt: 'hold',
  pacing: { windows: [{ limit: INIT_PER_MINUTE, seconds: 60 }] },
  async create(channel, ctx) {
    const root = (channel.apiRoot ?? TIKTOK_API_ROOT).replace(/\/+$/, '');
    const redact = makeRedactor(Object.values(channel.auth).filter((v): v is string => v !== undefined));
    const tokens = await tokenSource(channel, ctx, root);
    const authHint = tokens.renews
      ? `run \`herald auth ${channel.id}\` to connect the account again`
      : `authorize the app again and set auth.accessToken of channel ${channel.id} (TikTok access tokens last 2 hours; see docs/platforms/tiktok.md)`;
    const headersWith = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=UTF-8' });
    let headers = headersWith('');
    const scrub = (result: SendResult): SendResult => ('reason' in result ? { ...result, reason: redact(result.reason) } : result);

    /** The post's fate as far as TikTok tells it within a few seconds; `sent` with the publish id while it is still processing. */
    async function settle(publishId: string, signal: AbortSignal): Promise<SendResult> {
      const processing: SendResult = { kind: 'sent', remoteId: publishId };
      for (const delay of STATUS_DELAYS_MS) {
        try {
          await sleep(delay, undefined, { signal });
          const response = await platformFetch(`${root}/v2/post/publish/status/fetch/`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ publish_id: publishId }),
            signal,
          });
          const answer = (await response.json().catch(() => undefined)) as TikTokAnswer | undefined;
          const { status, fail_reason: failReason, publicaly_available_post_id: postIds } = answer?.data ?? {};
          if (!response.ok || !status) return processing;
          if (status === 'PUBLISH_COMPLETE') return { kind: 'sent', remoteId: postIds?.[0] !== undefined ? String(postIds[0]) : publishId };
          if (status === 'SEND_TO_USER_INBOX') return processing;
          if (status === 'FAILED') {
            const reason = `TikTok could not publish the photo: ${failReason ?? 'no reason given'} (publish_id ${publishId})`;
            return RETRYABLE_FAIL_REASON.test(failReason ?? '') ? { kind: 'retry', reason } : { kind: 'permanent', reason };
          }
        } catch {
          return processing;
        }
      }
      return processing;
    }

    return {
      rules: tiktokRules,
      // A token that runs out is renewed before the send is claimed: a crash while renewing leaves nothing in doubt.
      ...(tokens.renews && !ctx.offline && { prepare: async () => void (await tokens.current()) }),
      async send(post, { signal }) {
        if (!post.imageUrl) return { kind: 'permanent', reason: 'TikTok photo posts need an image; the article has none' };
        const direct = channel.postMode === 'DIRECT_POST';
        const body = {
          post_info: {
            title: tiktokTitle(post.title),
            description: post.text,
            ...(direct && { privacy_level: channel.privacyLevel, disable_comment: channel.disableComment }),
            auto_add_music: channel.autoAddMusic,
          },
          source_info: { source: 'PULL_FROM_URL', photo_cover_index: 0, photo_images: [post.imageUrl] },
          post_mode: channel.postMode,
          media_type: 'PHOTO',
        };
        if (signal.aborted) return { kind: 'retry', reason: 'TikTok: cut off (timeout or shutdown) before the post was sent' };
        let response: Response;
        let answer: TikTokAnswer | undefined;
        try {
          let token = await tokens.current();
          headers = headersWith(token.token);
          response = await platformFetch(`${root}/v2/post/publish/content/init/`, { method: 'POST', headers, body: JSON.stringify(body), signal });
          answer = (await response.json().catch(() => undefined)) as TikTokAnswer | undefined;
          if (tokens.renews && response.status === 401) {
            // Refused before anything was posted: once more with a renewed token.
            token = await tokens.refused(token.version);
            headers = headersWith(token.token);
            response = await platformFetch(`${root}/v2/post/publish/content/init/`, { method: 'POST', headers, body: JSON.stringify(body), signal });
            answer = (await response.json().catch(() => undefined)) as TikTokAnswer | undefined;
          }
        } catch (err) {
          if (err instanceof RenewalRefusedError) {
            return scrub({ kind: 'auth', reason: `TikTok would not renew the channel's token (${err.message}); run \`herald auth ${channel.id}\` to connect the account again` });
          }
          if (err instanceof TokenSourceError) return scrub({ kind: 'retry', reason: `the channel's TikTok token could not be renewed: ${err.message}` });
          if (wasNeverSent(err)) return scrub({ kind: 'retry', reason: `TikTok could not be reached at ${root}: ${describeError(err)}` });
          const why = signal.aborted ? 'the request was cut off (timeout or shutdown)' : describeError(err);
          return scrub({ kind: 'in-doubt', reason: `TikTok: ${why} after the post was sent; it may have been published` });
        }
        const errorCode = answer?.error?.code;
        if (!response.ok || (errorCode && errorCode !== 'ok')) return scrub(resultForTikTokError(response.status, answer?.error, response.headers, authHint));
        const publishId = answer?.data?.publish_id;
        if (!publishId) {
          return { kind: 'in-doubt', reason: `TikTok answered HTTP ${response.status} without a publish_id` };
        }
        return scrub(await settle(publishId, signal));
      },
    };
  },
});

interface TokenSource {
  renews: boolean;
  current(): Promise<{ token: string; version: number }>;
  refused(version: number): Promise<{ token: string; version: number }>;
}

/** The configured access token, or the stored one Herald renews with the app's client key. */
async function tokenSource(
  channel: { id: string; auth: { accessToken?: string | undefined; clientId?: string | undefined; clientSecret?: string | undefined; refreshToken?: string | undefined } },
  ctx: AdapterContext,
  root: string,
): Promise<TokenSource> {
  const { auth } = channel;
  if (auth.accessToken !== undefined) {
    const fixed = { token: auth.accessToken, version: 0 };
    return { renews: false, current: async () => fixed, refused: async () => fixed };
  }
  if (ctx.offline) return { renews: true, current: () => Promise.reject(new Error('offline')), refused: () => Promise.reject(new Error('offline')) };
  if (!ctx.credentials) throw new Error(`channel ${channel.id}: renewed TikTok tokens need the store, which is not open`);
  await ctx.credentials.checkKey();
  const app = { clientKey: auth.clientId!, clientSecret: auth.clientSecret! };
  const tokens = new OAuthTokens(ctx.credentials, {
    ...(auth.refreshToken !== undefined && { seedRefreshToken: auth.refreshToken }),
    refresh: (refreshToken) => refreshTikTokToken(root, app, refreshToken),
    renewAheadMs: TIKTOK_RENEW_AHEAD_MS,
  });
  return { renews: true, current: () => renewing(() => tokens.accessToken()), refused: (version) => renewing(() => tokens.refused(version)) };
}
