import sharp from 'sharp';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countHashtags, INSTAGRAM_MAX_CAPTION, instagramAdapter } from '../../adapters/instagram.ts';
import type { Adapter, RenderedPost } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import type { FakeRequest } from '../helpers/http-fake.ts';
import { graphError, startInstagramFake, type InstagramFakeOptions, type InstagramPost, type PlatformFake } from '../fakes/graph-api.ts';
import { blankArticle, channelOf, offlineContext, onlineContext, reasonOf, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const IG_USER = '17841400000000001';
const TOKEN = 'IGAAcanaryToken3LmQ8vR2';

function channelFor(raw: Record<string, unknown>) {
  return channelOf(instagramAdapter, { id: 'ig-main', igUserId: IG_USER, auth: { accessToken: TOKEN }, utm: { source: 'instagram' }, ...raw });
}

const CAPTION = 'Kazakhstan, US Maintain Constructive Dialogue\n\nLink in bio\n\n#HumanRights';
const LINK = 'https://astanatimes.com/2024/05/dialogue/?utm_source=instagram&utm_medium=social';

let square: Buffer;
let portrait: Buffer;
let panorama: Buffer;
let png: Buffer;

beforeAll(async () => {
  const image = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 20, g: 120, b: 200 } } });
  square = await image(1080, 1080).jpeg().toBuffer();
  // Stored 1350 wide and 1080 high, shown rotated (EXIF orientation 6): a 4:5 portrait.
  portrait = await image(1350, 1080).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  panorama = await image(3000, 1000).jpeg().toBuffer();
  png = await image(1080, 1080).png().toBuffer();
});

describe('instagram adapter against the Graph fake', () => {
  let ig: PlatformFake<InstagramPost> & { quota: { usage: number; total: number } };
  let adapter: Adapter;

  async function start(opts: Partial<InstagramFakeOptions> = {}) {
    ig = await startInstagramFake({ igUserId: IG_USER, token: TOKEN, ...opts });
    ig.fake.route('GET', '/images/square.jpg', () => ({ headers: { 'content-type': 'image/jpeg' }, body: square }));
    ig.fake.route('GET', '/images/portrait.jpg', () => ({ headers: { 'content-type': 'image/jpeg' }, body: portrait }));
    ig.fake.route('GET', '/images/panorama.jpg', () => ({ headers: { 'content-type': 'image/jpeg' }, body: panorama }));
    ig.fake.route('GET', '/images/logo.png', () => ({ headers: { 'content-type': 'image/png' }, body: png }));
    ig.fake.route('GET', '/images/gone.jpg', () => ({ status: 404, body: 'Not Found' }));
    adapter = await instagramAdapter.create(channelFor({ apiRoot: `${ig.url}/v25.0` }), onlineContext());
  }
  const image = (name: string) => `${ig.url}/images/${name}`;
  const postOf = (extra: Partial<RenderedPost> = {}): RenderedPost =>
    renderedPost({
      layout: 'image',
      text: CAPTION,
      link: LINK,
      title: 'Kazakhstan, US Maintain Constructive Dialogue',
      hashtags: ['#HumanRights'],
      imageUrl: image('square.jpg'),
      ...extra,
    });
  const apiRequests = () => ig.fake.requests.filter((r) => !r.path.startsWith('/images/'));
  const line = (r: FakeRequest) => `${r.method} ${r.path}`;

  beforeEach(() => start());
  afterEach(() => ig.close());

  it('checks the image and the quota, creates a container, waits for it, publishes and reads the permalink', async () => {
    const result = await adapter.send(postOf(), sendContext());
    const mediaId = ig.posts[0]?.id;
    expect(result).toEqual({ kind: 'sent', remoteId: mediaId, url: `https://www.instagram.com/p/FAKE${mediaId}/` });
    expect(ig.posts).toEqual([{ id: mediaId, imageUrl: image('square.jpg'), caption: CAPTION }]);

    const requests = ig.fake.requests;
    const container = requests[2]!;
    expect(requests.map(line)).toEqual([
      'GET /images/square.jpg',
      `GET /v25.0/${IG_USER}/content_publishing_limit`,
      `POST /v25.0/${IG_USER}/media`,
      `GET /v25.0/17900001`,
      `POST /v25.0/${IG_USER}/media_publish`,
      `GET /v25.0/${mediaId}`,
    ]);
    expect(requests[0]!.headers.range).toBe('bytes=0-262143');
    expect(Object.fromEntries(requests[1]!.query)).toEqual({ fields: 'quota_usage,config', access_token: TOKEN });
    expect(Object.fromEntries(container.form!)).toEqual({ image_url: image('square.jpg'), caption: CAPTION, access_token: TOKEN });
    expect(Object.fromEntries(requests[3]!.query)).toEqual({ fields: 'status_code,status', access_token: TOKEN });
    expect(Object.fromEntries(requests[4]!.form!)).toEqual({ creation_id: '17900001', access_token: TOKEN });
    expect(Object.fromEntries(requests[5]!.query)).toEqual({ fields: 'permalink', access_token: TOKEN });
  });

  it('polls the container while it is IN_PROGRESS and publishes once it is FINISHED', async () => {
    await ig.close();
    await start({ pollsUntilFinished: 2 });
    const result = await adapter.send(postOf(), sendContext());
    expect(result.kind).toBe('sent');
    expect(apiRequests().map(line)).toEqual([
      `GET /v25.0/${IG_USER}/content_publishing_limit`,
      `POST /v25.0/${IG_USER}/media`,
      'GET /v25.0/17900001',
      'GET /v25.0/17900001',
      'GET /v25.0/17900001',
      `POST /v25.0/${IG_USER}/media_publish`,
      `GET /v25.0/${ig.posts[0]!.id}`,
    ]);
  });

  it("is permanent with Instagram's status text when the container ends in ERROR", async () => {
    await ig.close();
    await start({ containerError: 'Error: 2207009 The aspect ratio is not supported.' });
    expect(await adapter.send(postOf(), sendContext())).toEqual({
      kind: 'permanent',
      reason: 'Instagram could not process the media: Error: 2207009 The aspect ratio is not supported.',
    });
    expect(ig.posts).toEqual([]);
  });

  it('needs an image: without one it is permanent and nothing is requested', async () => {
    const { imageUrl: _none, ...withoutImage } = postOf();
    expect(await adapter.send(withoutImage, sendContext())).toEqual({ kind: 'permanent', reason: 'Instagram needs a JPEG image; the article has none' });
    expect(ig.fake.requests).toEqual([]);
  });

  it('refuses an image that is not a JPEG, or is gone, before creating any container', async () => {
    const results = [await adapter.send(postOf({ imageUrl: image('logo.png') }), sendContext()), await adapter.send(postOf({ imageUrl: image('gone.jpg') }), sendContext())];
    expect(results).toEqual([
      { kind: 'permanent', reason: `Instagram needs a JPEG image; the article image ${image('logo.png')} is a PNG image` },
      { kind: 'permanent', reason: `Instagram needs a public JPEG image; the article image ${image('gone.jpg')} answered HTTP 404` },
    ]);
    expect(apiRequests()).toEqual([]);
  });

  it('refuses an aspect ratio outside 4:5 … 1.91:1, reading EXIF orientation', async () => {
    expect(await adapter.send(postOf({ imageUrl: image('panorama.jpg') }), sendContext())).toEqual({
      kind: 'permanent',
      reason: `Instagram takes images from 4:5 to 1.91:1; the article image ${image('panorama.jpg')} is 3000×1000 (3.00:1)`,
    });
    expect((await adapter.send(postOf({ imageUrl: image('portrait.jpg') }), sendContext())).kind).toBe('sent');
  });

  it('reads content_publishing_limit first and retries in an hour when the quota is used up', async () => {
    await ig.close();
    await start({ quotaUsage: 50, quotaTotal: 50 });
    expect(await adapter.send(postOf(), sendContext())).toEqual({
      kind: 'retry',
      rateLimited: true,
      afterMs: 3_600_000,
      reason: 'Instagram: publishing limit reached (50 of 50 posts in 24 hours)',
    });
    expect(apiRequests().map(line)).toEqual([`GET /v25.0/${IG_USER}/content_publishing_limit`]);
  });

  it('turns the publishing-limit error (code 9 / 2207042) into a rate-limited retry', async () => {
    for (let i = 0; i < 3; i++) ig.respondNext(() => undefined);
    ig.respondNext(() => graphError(400, 9, 'Application request limit reached', { subcode: 2207042 }));
    const result = await adapter.send(postOf(), sendContext());
    expect(result).toMatchObject({ kind: 'retry', rateLimited: true, afterMs: 3_600_000 });
    expect(reasonOf(result)).toContain('daily publishing limit reached');
  });

  it('retries after Retry-After when a call is rate limited (code 4)', async () => {
    ig.respondNext(() => undefined);
    ig.respondNext(() => ({ ...graphError(400, 4, 'Application request limit reached'), headers: { 'retry-after': '120' } }));
    expect(await adapter.send(postOf(), sendContext())).toMatchObject({ kind: 'retry', rateLimited: true, afterMs: 120_000 });
  });

  it('treats suspected spam (2207051) as permanent, not as a rate limit', async () => {
    for (let i = 0; i < 3; i++) ig.respondNext(() => undefined);
    ig.respondNext(() => graphError(400, 4, 'We restrict certain activity to protect our community.', { subcode: 2207051 }));
    const result = await adapter.send(postOf(), sendContext());
    expect(result.kind).toBe('permanent');
    expect(reasonOf(result)).toContain('suspected spam: We restrict certain activity');
  });

  it('pauses the channel on a refused token, and keeps the token out of the reason', async () => {
    const stale = await instagramAdapter.create(channelFor({ apiRoot: `${ig.url}/v25.0`, auth: { accessToken: 'IGAAstale' } }), onlineContext());
    const result = await stale.send(postOf(), sendContext());
    expect(result.kind).toBe('auth');
    expect(reasonOf(result)).toContain('set auth.accessToken of channel ig-main');
    ig.respondNext(() => undefined);
    ig.respondNext(() => graphError(400, 100, `Invalid parameter caption for token ${TOKEN}`));
    const echoed = await adapter.send(postOf(), sendContext());
    expect(echoed.kind).toBe('permanent');
    expect(reasonOf(echoed)).toContain('[redacted]');
    expect(reasonOf(echoed)).not.toContain(TOKEN);
  });

  it('leaves the post in doubt when media_publish is cut off, but retries when only the container step is', async () => {
    const publishCut = new AbortController();
    for (let i = 0; i < 3; i++) ig.respondNext(() => undefined);
    ig.respondNext(() => {
      setTimeout(() => publishCut.abort(), 20);
      return 'hang';
    });
    const inDoubt = await adapter.send(postOf(), sendContext({ signal: publishCut.signal }));
    expect(inDoubt.kind).toBe('in-doubt');
    expect(reasonOf(inDoubt)).toContain('after the post was sent');

    const containerCut = new AbortController();
    ig.respondNext(() => undefined);
    ig.respondNext(() => {
      setTimeout(() => containerCut.abort(), 20);
      return 'hang';
    });
    expect((await adapter.send(postOf(), sendContext({ signal: containerCut.signal }))).kind).toBe('retry');
    expect(ig.posts).toEqual([]);
  });

  it('makes no request when created offline', async () => {
    const offline = await instagramAdapter.create(channelFor({ apiRoot: ig.url }), offlineContext());
    expect(offline.rules.maxHashtags).toBe(30);
    expect(ig.fake.requests).toEqual([]);
  });
});

describe('instagram adapter: every rendered caption fits Instagram', () => {
  const scripts = fc.constantFrom('Kazakhstan', 'Қазақстан', '哈萨克斯坦', 'كازاخستان', '👨‍👩‍👧‍👦', '🇰🇿', 'e\u0301', '#Astana', '#KZ2024', '@astanatimes', 'https://astanatimes.com');
  const words = fc.array(fc.oneof(scripts, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })), { minLength: 1, maxLength: 80 });
  const categories = fc.array(fc.oneof(scripts, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 })), { maxLength: 60 });
  const base = blankArticle({ imageUrl: 'https://astanatimes.com/wp-content/uploads/story.jpg' });

  it('is at most 2,200 UTF-16 units with at most 30 hashtags, and has the link-in-bio line instead of the link', async () => {
    const channel = channelFor({ hashtags: { max: 100 }, linkInBio: 'Read it: link in bio' });
    const { rules } = await instagramAdapter.create(channel, offlineContext());
    fc.assert(
      fc.property(fc.record({ title: words.map((w) => w.join(' ')), summary: words.map((w) => w.join(' ')), categories }), (a) => {
        const outcome = renderPost({ ...base, ...a }, channel, rules);
        if (!outcome.ok) throw new Error(outcome.reason);
        const { text, link } = outcome.post;
        expect(text.length).toBeLessThanOrEqual(INSTAGRAM_MAX_CAPTION);
        expect(countHashtags(text)).toBeLessThanOrEqual(30);
        expect(outcome.post.hashtags.length).toBeLessThanOrEqual(30);
        expect(link).toBe('https://astanatimes.com/2024/05/story/?utm_source=instagram&utm_medium=social');
        expect(text).not.toContain(link);
        expect(text).toContain('Read it: link in bio');
      }),
      { numRuns: 150 },
    );
  });
});
