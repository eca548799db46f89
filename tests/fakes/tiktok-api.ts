/**
 * A stateful fake of TikTok's Content Posting API for photo posts: `content/init` (with
 * its checks of title and description lengths, privacy level and verified URL prefixes)
 * and `status/fetch`, answering `{data, error:{code, message, log_id}}`.
 */
import type { FakeResponse } from '../helpers/http-fake.ts';
import { startPlatformFake, type PlatformFake } from './graph-api.ts';

export interface TikTokPost {
  publishId: string;
  body: {
    post_info: { title?: string; description?: string; privacy_level?: string; disable_comment?: boolean; auto_add_music?: boolean };
    source_info: { source: string; photo_cover_index?: number; photo_images: string[] };
    post_mode: string;
    media_type: string;
  };
}

export interface TikTokFakeOptions {
  token: string;
  /** The creator's privacy_level_options. */
  privacyLevelOptions?: string[];
  /** URL prefixes verified for the app; default: every URL. */
  verifiedPrefixes?: string[];
  /** What status/fetch answers for each post, one per call, the last repeated. */
  statuses?: string[];
  failReason?: string;
  /** Also TikTok's token endpoint: access tokens that live `accessLifetimeMs`, refresh tokens that rotate. */
  oauth?: { clientKey: string; clientSecret: string; accessLifetimeMs: number };
}

/** What the fake's token endpoint saw. */
export interface TikTokOAuthState {
  /** Refresh tokens presented again after they had been spent. */
  reused: string[];
  spent: string[];
  issueRefreshToken(): string;
}

let logs = 0;

function tiktokError(status: number, code: string, message: string): FakeResponse {
  return { status, body: { error: { code, message, log_id: `2026112700000${++logs}` } } };
}

const ok = (data: object): FakeResponse => ({ body: { data, error: { code: 'ok', message: '', log_id: `2026112700000${++logs}` } } });

export async function startTikTokFake(opts: TikTokFakeOptions): Promise<PlatformFake<TikTokPost> & { oauth: TikTokOAuthState }> {
  const refreshTokens = new Map<string, 'live' | 'spent'>();
  const accessTokens = new Map<string, number>();
  let issued = 0;
  const oauth: TikTokOAuthState = {
    reused: [],
    spent: [],
    issueRefreshToken() {
      const token = `rft.${++issued}.${Math.random().toString(36).slice(2)}`;
      refreshTokens.set(token, 'live');
      return token;
    },
  };
  const codes = new Map<string, string>();
  const grant = (): FakeResponse => {
    const accessToken = `act.${++issued}.${Math.random().toString(36).slice(2)}`;
    accessTokens.set(accessToken, Date.now() + opts.oauth!.accessLifetimeMs);
    return {
      body: {
        access_token: accessToken,
        expires_in: Math.round(opts.oauth!.accessLifetimeMs / 1000),
        refresh_token: oauth.issueRefreshToken(),
        refresh_expires_in: 15_552_000,
        open_id: 'tiktok-open-id',
        scope: 'user.info.basic,video.publish',
        token_type: 'Bearer',
      },
    };
  };
  const liveBearer = (header: string | undefined) =>
    header === `Bearer ${opts.token}` || (accessTokens.get(String(header).slice('Bearer '.length)) ?? 0) > Date.now();
  const privacy = opts.privacyLevelOptions ?? ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'];
  const statuses = opts.statuses ?? ['PUBLISH_COMPLETE'];
  const fetches = new Map<string, number>();
  let next = 1;
  const tiktok: PlatformFake<TikTokPost> = await startPlatformFake<TikTokPost>((req) => {
    if (opts.oauth && req.method === 'POST' && req.path === '/v2/oauth/token/') {
      const form = req.form;
      if (form?.get('client_key') !== opts.oauth.clientKey || form.get('client_secret') !== opts.oauth.clientSecret) {
        return { status: 401, body: { error: 'invalid_client', error_description: 'Client key or secret is incorrect.' } };
      }
      if (form.get('grant_type') === 'authorization_code') {
        const issuedFor = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (issuedFor === undefined || issuedFor !== form.get('redirect_uri')) {
          return { status: 400, body: { error: 'invalid_grant', error_description: 'Authorization code is expired.' } };
        }
        return grant();
      }
      const token = form.get('refresh_token') ?? '';
      const state = refreshTokens.get(token);
      if (state === 'spent') oauth.reused.push(token);
      if (form.get('grant_type') !== 'refresh_token' || state !== 'live') {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'Refresh token is invalid or expired.' } };
      }
      refreshTokens.set(token, 'spent');
      oauth.spent.push(token);
      return grant();
    }
    if (opts.oauth && req.method === 'GET' && req.path === '/v2/auth/authorize/') {
      const q = req.query;
      const redirectUri = q.get('redirect_uri') ?? '';
      if (q.get('client_key') !== opts.oauth.clientKey || q.get('response_type') !== 'code' || !redirectUri) return { status: 400, body: 'bad authorization request' };
      if (!q.get('scope')?.split(',').includes('video.publish')) return { status: 400, body: 'this fake expects video.publish' };
      const code = `code.${++issued}`;
      codes.set(code, redirectUri);
      const to = new URL(redirectUri);
      to.searchParams.set('code', code);
      to.searchParams.set('scopes', q.get('scope')!);
      to.searchParams.set('state', q.get('state') ?? '');
      return { status: 302, headers: { location: to.toString() } };
    }
    if (opts.oauth && req.method === 'GET' && req.path === '/v2/user/info/') {
      if (!liveBearer(req.headers.authorization)) return tiktokError(401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
      return ok({ user: { open_id: 'tiktok-open-id', display_name: 'The Astana Times' } });
    }
    if (!liveBearer(req.headers.authorization)) {
      return tiktokError(401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
    }
    if (req.method === 'POST' && req.path === '/v2/post/publish/content/init/') {
      const body = req.json as TikTokPost['body'] | undefined;
      if (!body || body.media_type !== 'PHOTO') return tiktokError(400, 'invalid_params', 'media_type: only PHOTO is supported');
      if (body.post_mode !== 'DIRECT_POST' && body.post_mode !== 'MEDIA_UPLOAD') return tiktokError(400, 'invalid_params', 'post_mode is invalid');
      if ((body.post_info.title ?? '').length > 90) return tiktokError(400, 'invalid_params', 'title is longer than 90');
      if ((body.post_info.description ?? '').length > 4000) return tiktokError(400, 'invalid_params', 'description is longer than 4000');
      const images = body.source_info.photo_images ?? [];
      if (body.source_info.source !== 'PULL_FROM_URL' || images.length < 1 || images.length > 35) {
        return tiktokError(400, 'invalid_params', 'source_info: PULL_FROM_URL with 1 to 35 photo_images');
      }
      if (opts.verifiedPrefixes && !images.every((u) => opts.verifiedPrefixes!.some((p) => u.startsWith(p)))) {
        return tiktokError(403, 'url_ownership_unverified', 'Please review our URL ownership verification rules.');
      }
      if (body.post_mode === 'DIRECT_POST' && !privacy.includes(body.post_info.privacy_level ?? '')) {
        return tiktokError(400, 'privacy_level_option_mismatch', 'privacy_level is not one of the privacy_level_options of the creator');
      }
      const publishId = `p_pub_url~v2.${next++}`;
      tiktok.posts.push({ publishId, body });
      return ok({ publish_id: publishId });
    }
    if (req.method === 'POST' && req.path === '/v2/post/publish/status/fetch/') {
      const publishId = (req.json as { publish_id?: string } | undefined)?.publish_id ?? '';
      if (!tiktok.posts.some((p) => p.publishId === publishId)) return tiktokError(400, 'invalid_params', 'publish_id not found');
      const call = fetches.get(publishId) ?? 0;
      fetches.set(publishId, call + 1);
      const status = statuses[Math.min(call, statuses.length - 1)]!;
      return ok({
        status,
        ...(status === 'FAILED' && { fail_reason: opts.failReason ?? 'internal' }),
        publicaly_available_post_id: status === 'PUBLISH_COMPLETE' ? [7_300_000_000 + tiktok.posts.findIndex((p) => p.publishId === publishId)] : [],
        uploaded_bytes: 0,
        downloaded_bytes: 123456,
      });
    }
    return tiktokError(404, 'invalid_params', `No route for ${req.method} ${req.path}`);
  });
  return Object.assign(tiktok, { oauth });
}
