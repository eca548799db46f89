import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TIKTOK_MAX_DESCRIPTION, TIKTOK_MAX_TITLE, tiktokAdapter, tiktokTitle } from '../../adapters/tiktok.ts';
import { channelSchemaFor } from '../../src/config/schema.ts';
import type { Adapter, RenderedPost } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import type { PlatformFake } from '../fakes/graph-api.ts';
import { startTikTokFake, type TikTokFakeOptions, type TikTokPost } from '../fakes/tiktok-api.ts';
import { blankArticle, channelOf, offlineContext, onlineContext, reasonOf, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const TOKEN = 'act.canaryTikTokToken8Hn2';

function channelFor(raw: Record<string, unknown>) {
  return channelOf(tiktokAdapter, { id: 'tiktok-main', auth: { accessToken: TOKEN }, ...raw });
}

const IMAGE = 'https://astanatimes.com/wp-content/uploads/2024/05/dialogue.jpg';
const TITLE = 'Kazakhstan, US Maintain Constructive Dialogue on Human Rights';
const TEXT = `${TITLE}\n\nASTANA – The third meeting was held on May 20.\n\n#HumanRights #Kazakhstan`;

function postOf(extra: Partial<RenderedPost> = {}): RenderedPost {
  return renderedPost({ layout: 'photo', text: TEXT, link: 'https://astanatimes.com/x/', title: TITLE, imageUrl: IMAGE, ...extra });
}

describe('tiktokTitle', () => {
  it('keeps a title of up to 90 UTF-16 units and shortens a longer one at a word', () => {
    expect(tiktokTitle(TITLE)).toBe(TITLE);
    const long = 'Kazakhstan and the United States held the third annual High-Level Dialogue on Human Rights and Democratic Reforms';
    expect(tiktokTitle(long)).toBe('Kazakhstan and the United States held the third annual High-Level Dialogue on Human…');
    expect(tiktokTitle('👨‍👩‍👧‍👦'.repeat(10)).length).toBeLessThanOrEqual(TIKTOK_MAX_TITLE);
  });
});

describe('tiktok adapter against the Content Posting fake', () => {
  let tiktok: PlatformFake<TikTokPost>;
  let adapter: Adapter;

  async function start(opts: Partial<TikTokFakeOptions> = {}, channel: Record<string, unknown> = {}) {
    tiktok = await startTikTokFake({ token: TOKEN, ...opts });
    adapter = await tiktokAdapter.create(channelFor({ apiRoot: tiktok.url, ...channel }), onlineContext());
  }
  beforeEach(() => start());
  afterEach(() => tiktok.close());

  it('initialises a PULL_FROM_URL photo post, then reads its status: PUBLISH_COMPLETE gives the post id', async () => {
    const result = await adapter.send(postOf(), sendContext());
    expect(result).toEqual({ kind: 'sent', remoteId: '7300000000' });
    const [init, status] = tiktok.fake.requests;
    expect(tiktok.fake.requests).toHaveLength(2);
    expect(init!.method).toBe('POST');
    expect(init!.path).toBe('/v2/post/publish/content/init/');
    expect(init!.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=UTF-8' });
    expect(init!.json).toEqual({
      post_info: { title: TITLE, description: TEXT, privacy_level: 'PUBLIC_TO_EVERYONE', disable_comment: false, auto_add_music: false },
      source_info: { source: 'PULL_FROM_URL', photo_cover_index: 0, photo_images: [IMAGE] },
      post_mode: 'DIRECT_POST',
      media_type: 'PHOTO',
    });
    expect(status!.path).toBe('/v2/post/publish/status/fetch/');
    expect(status!.json).toEqual({ publish_id: 'p_pub_url~v2.1' });
  });

  it('sends to the creator inbox in MEDIA_UPLOAD mode (no privacy level), done at SEND_TO_USER_INBOX', async () => {
    await tiktok.close();
    await start({ statuses: ['SEND_TO_USER_INBOX'] }, { postMode: 'MEDIA_UPLOAD', privacyLevel: 'SELF_ONLY' });
    expect(await adapter.send(postOf(), sendContext())).toEqual({ kind: 'sent', remoteId: 'p_pub_url~v2.1' });
    expect(tiktok.posts[0]!.body.post_info).toEqual({ title: TITLE, description: TEXT, auto_add_music: false });
    expect(tiktok.posts[0]!.body.post_mode).toBe('MEDIA_UPLOAD');
  });

  it('is permanent when TikTok fails the post while processing it', async () => {
    await tiktok.close();
    await start({ statuses: ['PROCESSING_DOWNLOAD', 'FAILED'], failReason: 'file_format_check_failed' });
    expect(await adapter.send(postOf(), sendContext())).toEqual({
      kind: 'permanent',
      reason: 'TikTok could not publish the photo: file_format_check_failed (publish_id p_pub_url~v2.1)',
    });
  });

  it('counts a post still processing when the send is cut off as sent, by its publish id', async () => {
    await tiktok.close();
    await start({ statuses: ['PROCESSING_DOWNLOAD'] });
    const cut = new AbortController();
    tiktok.respondNext(() => undefined);
    tiktok.respondNext(() => {
      setTimeout(() => cut.abort(), 20);
      return undefined;
    });
    expect(await adapter.send(postOf(), sendContext({ signal: cut.signal }))).toEqual({ kind: 'sent', remoteId: 'p_pub_url~v2.1' });
  });

  it('needs an image: without one it is permanent and nothing is requested', async () => {
    const { imageUrl: _none, ...withoutImage } = postOf();
    expect(await adapter.send(withoutImage, sendContext())).toEqual({ kind: 'permanent', reason: 'TikTok photo posts need an image; the article has none' });
    expect(tiktok.fake.requests).toEqual([]);
  });

  it('explains an image on a domain not verified for the app', async () => {
    await tiktok.close();
    await start({ verifiedPrefixes: ['https://media.astanatimes.com/'] });
    const result = await adapter.send(postOf(), sendContext());
    expect(result.kind).toBe('permanent');
    expect(reasonOf(result)).toMatch(/^TikTok refused the post: Please review our URL ownership verification rules\. \(HTTP 403, url_ownership_unverified, log_id \d+\); the image URL is not on a domain or URL prefix verified/);
    expect(reasonOf(result)).toContain('docs/platforms/tiktok.md');
  });

  it("explains a privacy level the creator's account does not offer", async () => {
    await tiktok.close();
    await start({ privacyLevelOptions: ['SELF_ONLY'] });
    const result = await adapter.send(postOf(), sendContext());
    expect(result.kind).toBe('permanent');
    expect(reasonOf(result)).toContain("privacyLevel is not one the creator's account allows");
  });

  it('retries a rate limit after Retry-After, else after a minute; a posting cap after an hour', async () => {
    tiktok.respondNext(() => ({ status: 429, headers: { 'retry-after': '20' }, body: { error: { code: 'rate_limit_exceeded', message: 'The API rate limit was exceeded.', log_id: '1' } } }));
    expect(await adapter.send(postOf(), sendContext())).toMatchObject({ kind: 'retry', rateLimited: true, afterMs: 20_000 });
    tiktok.respondNext(() => ({ status: 429, body: { error: { code: 'rate_limit_exceeded', message: 'The API rate limit was exceeded.', log_id: '2' } } }));
    expect(await adapter.send(postOf(), sendContext())).toMatchObject({ kind: 'retry', rateLimited: true, afterMs: 60_000 });
    tiktok.respondNext(() => ({ status: 403, body: { error: { code: 'spam_risk_too_many_posts', message: 'The daily post cap is reached.', log_id: '3' } } }));
    expect(await adapter.send(postOf(), sendContext())).toMatchObject({ kind: 'retry', rateLimited: true, afterMs: 3_600_000 });
  });

  it('pauses the channel when the token is refused', async () => {
    const stale = await tiktokAdapter.create(channelFor({ apiRoot: tiktok.url, auth: { accessToken: 'act.expired' } }), onlineContext());
    const result = await stale.send(postOf(), sendContext());
    expect(result.kind).toBe('auth');
    expect(reasonOf(result)).toContain('The access token is invalid or not found in the request. (HTTP 401, access_token_invalid');
    expect(reasonOf(result)).toContain('set auth.accessToken of channel tiktok-main');
  });

  it('leaves the post in doubt on an internal error or when init is cut off', async () => {
    tiktok.respondNext(() => ({ status: 500, body: { error: { code: 'internal_error', message: 'Something went wrong.', log_id: '4' } } }));
    expect((await adapter.send(postOf(), sendContext())).kind).toBe('in-doubt');
    const cut = new AbortController();
    tiktok.respondNext(() => {
      setTimeout(() => cut.abort(), 20);
      return 'hang';
    });
    expect((await adapter.send(postOf(), sendContext({ signal: cut.signal }))).kind).toBe('in-doubt');
  });

  it('never puts the token in a reason', async () => {
    tiktok.respondNext(() => ({ status: 400, body: { error: { code: 'invalid_params', message: `bad header Bearer ${TOKEN}`, log_id: '5' } } }));
    const result = await adapter.send(postOf(), sendContext());
    expect(result.kind).toBe('permanent');
    expect(reasonOf(result)).toContain('Bearer [redacted]');
    expect(reasonOf(result)).not.toContain(TOKEN);
  });

  it('makes no request when created offline; rejects an unknown privacy level', async () => {
    await tiktokAdapter.create(channelFor({ apiRoot: tiktok.url }), offlineContext());
    expect(tiktok.fake.requests).toEqual([]);
    expect(channelSchemaFor(tiktokAdapter).safeParse({ id: 't', platform: 'tiktok', auth: { accessToken: TOKEN }, privacyLevel: 'PUBLIC' }).success).toBe(false);
  });
});

describe('tiktok adapter: every rendered photo post fits TikTok', () => {
  const scripts = fc.constantFrom('Kazakhstan', 'Қазақстан', '哈萨克斯坦', 'كازاخستان', '👨‍👩‍👧‍👦', '🇰🇿', 'e\u0301', '#Astana', '@astanatimes');
  const words = fc.array(fc.oneof(scripts, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })), { minLength: 1, maxLength: 60 });
  const long = fc.array(words.map((w) => w.join(' ')), { minLength: 1, maxLength: 30 }).map((p) => p.join('. '));
  const base = blankArticle({ imageUrl: IMAGE });

  it('has a description of at most 4,000 and a title of at most 90 UTF-16 units, and the article image', async () => {
    const channel = channelFor({ hashtags: { max: 5 } });
    const { rules } = await tiktokAdapter.create(channel, offlineContext());
    fc.assert(
      fc.property(fc.record({ title: words.map((w) => w.join(' ')), summary: long, categories: fc.array(scripts, { maxLength: 10 }) }), (a) => {
        const outcome = renderPost({ ...base, ...a }, channel, rules);
        if (!outcome.ok) throw new Error(outcome.reason);
        const { post } = outcome;
        expect(post.layout).toBe('photo');
        expect(post.imageUrl).toBe(IMAGE);
        expect(post.text.length).toBeLessThanOrEqual(TIKTOK_MAX_DESCRIPTION);
        const title = tiktokTitle(post.title);
        expect(title.length).toBeLessThanOrEqual(TIKTOK_MAX_TITLE);
        expect(post.title.startsWith(title.replace(/…$/, ''))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
