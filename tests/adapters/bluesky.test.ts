import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import sharp from 'sharp';
import { blueskyAdapter, displayLink, facetsFor, recordKeyFor, shrinkToJpeg } from '../../adapters/bluesky.ts';
import type { Adapter, RenderedPost, SendContext } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import { FAKE_DID, FAKE_HANDLE, startBlueskyFake, type BlueskyFake } from '../fakes/bluesky-api.ts';
import { channelOf, dialogueArticle, onlineContext, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const PASSWORD = 'canary-app-pass-q7x2';
const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;

function channelFor(raw: Record<string, unknown>) {
  return channelOf(blueskyAdapter, { id: 'bluesky-main', auth: { identifier: FAKE_HANDLE, password: PASSWORD }, utm: { source: 'bluesky' }, ...raw });
}

/** Sends as delivery `delivery-7`, the key the record keys below are made from. */
const context = (overrides: Partial<SendContext> = {}) => sendContext({ idempotencyKey: 'delivery-7', ...overrides });

const LINK = 'https://astanatimes.com/2024/05/kazakhstan-us-dialogue/?utm_source=bluesky&utm_medium=social';
const SHOWN = 'astanatimes.com/2024/05/kazakhstan-us-d…';

function postOf(overrides: Partial<RenderedPost> = {}): RenderedPost {
  return renderedPost({
    layout: 'post',
    text: `Қазақстан 🇰🇿 & US talk\n\n${SHOWN}\n#HumanRights`,
    link: LINK,
    title: 'Kazakhstan, US Maintain Dialogue',
    summary: 'ASTANA – The third meeting of the annual dialogue.',
    hashtags: ['#HumanRights'],
    ...overrides,
  });
}

const article = dialogueArticle({ publishedAt: '2024-05-22T09:15:00Z' });

let largeJpeg: Buffer;

beforeAll(async () => {
  largeJpeg = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .jpeg({ quality: 95 })
    .toBuffer();
});

let bsky: BlueskyFake;

beforeEach(async () => {
  bsky = await startBlueskyFake({ password: PASSWORD });
  bsky.fake.route('GET', '/img/large.jpg', () => ({ headers: { 'content-type': 'image/jpeg' }, body: largeJpeg }));
});

afterEach(async () => {
  vi.useRealTimers();
  await bsky.close();
});

const createRecordBodies = () =>
  bsky.fake.requests.filter((r) => r.path === '/xrpc/com.atproto.repo.createRecord').map((r) => r.json as { rkey: string; record: Record<string, unknown> });

describe('bluesky pieces', () => {
  it('shows a link as host and the start of its path; the facet keeps the full URL', () => {
    expect(displayLink(LINK)).toBe(SHOWN);
    expect(displayLink('https://astanatimes.com/?utm_source=bluesky')).toBe('astanatimes.com');
    expect(displayLink('https://xn--80aaa5csg.xn--80ao21a/news/1/')).toBe('астана.қаз/news/1/');
  });

  it('shows enough of path and query to tell two links apart, without www. or UTM tags', () => {
    expect(displayLink('https://www.youtube.com/watch?v=q-6oUtQVeF0&utm_source=bluesky&utm_medium=social')).toBe('youtube.com/watch?v=q-6oUtQVeF0');
    expect(displayLink('https://www.youtube.com/watch?v=xYA53I_GoFI')).toBe('youtube.com/watch?v=xYA53I_GoFI');
    expect(displayLink('https://www.youtube.com/watch?v=q-6oUtQVeF0&list=PL1234567890&index=2')).toBe('youtube.com/watch?v=q-6oUtQVeF0&lis…');
  });

  it('places the link facet by UTF-8 byte offsets, end exclusive, with hashtags as tag facets', () => {
    const text = `Қазақстан 🇰🇿 & US talk\n\n${SHOWN}\n#HumanRights`;
    const start = Buffer.byteLength('Қазақстан 🇰🇿 & US talk\n\n');
    expect(start).toBe(39);
    const facets = facetsFor(text, LINK);
    expect(facets).toEqual([
      { index: { byteStart: 39, byteEnd: 39 + Buffer.byteLength(SHOWN) }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: LINK }] },
      {
        index: { byteStart: 39 + Buffer.byteLength(SHOWN) + 1, byteEnd: Buffer.byteLength(text) },
        features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'HumanRights' }],
      },
    ]);
    expect(Buffer.from(text).subarray(39, 39 + Buffer.byteLength(SHOWN)).toString()).toBe(SHOWN);
  });

  it('makes a valid TID record key from the delivery, the same on every attempt', () => {
    expect(recordKeyFor('delivery-7')).toMatch(TID);
    expect(recordKeyFor('delivery-7')).toBe(recordKeyFor('delivery-7'));
    expect(recordKeyFor('delivery-8')).not.toBe(recordKeyFor('delivery-7'));
    fc.assert(fc.property(fc.string(), (key) => TID.test(recordKeyFor(key))), { numRuns: 200 });
  });

  it('shrinks an image to a JPEG under the size given', async () => {
    expect(largeJpeg.length).toBeGreaterThan(1_000_000);
    const small = await shrinkToJpeg(largeJpeg, 150_000);
    expect(small.length).toBeLessThanOrEqual(150_000);
    expect((await sharp(small).metadata()).format).toBe('jpeg');
  });
});

describe('bluesky adapter', () => {
  it('counts 300 graphemes and 3000 bytes, and starting it contacts nothing', async () => {
    const adapter = await blueskyAdapter.create(channelFor({ apiRoot: bsky.url }), onlineContext());
    expect(adapter.rules.layouts.map((l) => l.budgets.map((b) => [b.unit, b.limit, b.count('Қ🇰🇿')]))).toEqual([
      [
        ['graphemes', 300, 2],
        ['bytes', 3000, 10],
      ],
    ]);
    expect(bsky.fake.requests).toHaveLength(0);
  });

  it('posts the record with the chosen key, facets and a card with the shrunk image as thumb', async () => {
    const adapter = await blueskyAdapter.create(channelFor({ apiRoot: bsky.url, language: 'en' }), onlineContext());
    const post = postOf({ imageUrl: `${bsky.url}/img/large.jpg` });
    const result = await adapter.send(post, context());
    const rkey = recordKeyFor('delivery-7');
    expect(result).toEqual({
      kind: 'sent',
      remoteId: `at://${FAKE_DID}/app.bsky.feed.post/${rkey}`,
      url: `https://bsky.app/profile/${FAKE_DID}/post/${rkey}`,
    });
    expect(bsky.posts).toHaveLength(1);
    const { record, request } = bsky.posts[0]!;
    expect(request.json).toMatchObject({ repo: FAKE_DID, collection: 'app.bsky.feed.post', rkey });
    expect(request.headers.authorization).toBe('Bearer access-1');
    const [blob] = [...bsky.blobs.values()];
    expect(blob!.ref.mimeType).toBe('image/jpeg');
    expect(blob!.ref.size).toBeLessThanOrEqual(1_000_000);
    expect(blob!.data.length).toBe(blob!.ref.size);
    expect((await sharp(blob!.data).metadata()).format).toBe('jpeg');
    expect(record).toEqual({
      $type: 'app.bsky.feed.post',
      text: post.text,
      facets: facetsFor(post.text, LINK),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      langs: ['en'],
      embed: {
        $type: 'app.bsky.embed.external',
        external: { uri: LINK, title: post.title, description: post.summary, thumb: blob!.ref },
      },
    });
  });

  it('logs in once and reuses the session for three posts', async () => {
    const adapter = await blueskyAdapter.create(channelFor({ service: bsky.url }), onlineContext());
    for (const key of ['d-1', 'd-2', 'd-3']) expect((await adapter.send(postOf(), context({ idempotencyKey: key }))).kind).toBe('sent');
    expect(bsky.posts.map((p) => p.rkey)).toEqual(['d-1', 'd-2', 'd-3'].map(recordKeyFor));
    expect(bsky.calls('com.atproto.server.createSession')).toBe(1);
    expect(bsky.fake.requests.find((r) => r.path === '/xrpc/com.atproto.server.createSession')!.json).toEqual({
      identifier: FAKE_HANDLE,
      password: PASSWORD,
    });
  });

  it('refreshes an expired access token instead of logging in again', async () => {
    const adapter = await blueskyAdapter.create(channelFor({ apiRoot: bsky.url }), onlineContext());
    expect((await adapter.send(postOf(), context({ idempotencyKey: 'd-1' }))).kind).toBe('sent');
    bsky.expireAccessTokens();
    expect((await adapter.send(postOf(), context({ idempotencyKey: 'd-2' }))).kind).toBe('sent');
    expect(bsky.calls('com.atproto.server.createSession')).toBe(1);
    expect(bsky.calls('com.atproto.server.refreshSession')).toBe(1);
    expect(bsky.posts.map((p) => p.request.headers.authorization)).toEqual(['Bearer access-1', 'Bearer access-2']);
  });

  it('when the refresh token has expired too, logs in again and posts in the same attempt', async () => {
    const adapter = await blueskyAdapter.create(channelFor({ apiRoot: bsky.url }), onlineContext());
    expect((await adapter.send(postOf(), context({ idempotencyKey: 'd-1' }))).kind).toBe('sent');
    bsky.expireAccessTokens();
    bsky.expireRefreshTokens();
    expect((await adapter.send(postOf(), context({ idempotencyKey: 'd-2' }))).kind).toBe('sent');
    expect(bsky.calls('com.atproto.server.createSession')).toBe(2);
    expect(bsky.posts.map((p) => p.rkey)).toHaveLength(2);
  });

  it('posts the card without a thumb when the image cannot be had', async () => {
    const adapter = await blueskyAdapter.create(channelFor({ apiRoot: bsky.url }), onlineContext());
    const result = await adapter.send(postOf({ imageUrl: `${bsky.url}/img/missing.jpg` }), context());
    expect(result.kind).toBe('sent');
    expect(bsky.posts[0]!.record.embed).toEqual({
      $type: 'app.bsky.embed.external',
      external: { uri: LINK, title: 'Kazakhstan, US Maintain Dialogue', description: 'ASTANA – The third meeting of the annual dialogue.' },
    });
  });

  it('a resend of a delivery that reached the PDS is already posted, found by its record key', async () => {
    const adapter = await blueskyAdapter.create(channelFor({ apiRoot: bsky.url }), onlineContext());
    const first = await adapter.send(postOf(), context());
    const uri = `at://${FAKE_DID}/app.bsky.feed.post/${recordKeyFor('delivery-7')}`;
    const already = {
      kind: 'already-posted',
      remoteId: uri,
      url: first.kind === 'sent' ? first.url : '',
      reason: `record ${uri} already exists (an earlier attempt posted it)`,
    };
    expect(await adapter.send(postOf(), context({ resend: true }))).toEqual(already);
    // Not flagged as a resend: the PDS refuses the taken key (500), and the lookup finds it.
    expect(await adapter.send(postOf(), context())).toEqual(already);
    expect(bsky.posts).toHaveLength(1);
    expect(createRecordBodies()).toHaveLength(2);
  });

  it('a rate limit is a retry after the ratelimit-reset time', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-27T10:00:00.000Z'));
    const adapter = await blueskyAdapter.create(channelFor({ apiRoot: bsky.url }), onlineContext());
    const reset = Date.parse('2026-11-27T10:05:00Z') / 1000;
    bsky.respondNext(() => ({
      status: 429,
      headers: { 'ratelimit-limit': '5000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset), 'ratelimit-policy': '5000;w=3600' },
      body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
    }));
    expect(await adapter.send(postOf(), context())).toEqual({
      kind: 'retry',
      reason: 'Bluesky 429 RateLimitExceeded: Rate Limit Exceeded',
      rateLimited: true,
      afterMs: 300_000,
    });
  });

  it("a record the PDS refuses is permanent with the PDS's message", async () => {
    const adapter = await blueskyAdapter.create(channelFor({ apiRoot: bsky.url }), onlineContext());
    const result = await adapter.send(postOf({ text: `${'ж'.repeat(300)} ${SHOWN}` }), context());
    expect(result).toEqual({
      kind: 'permanent',
      reason: 'Bluesky 400 InvalidRequest: Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes',
    });
  });

  it('refused credentials pause the channel; the password never appears, even when echoed', async () => {
    const wrong = await blueskyAdapter.create(channelFor({ apiRoot: bsky.url, auth: { identifier: FAKE_HANDLE, password: 'wrong-password-1' } }), onlineContext());
    const refused = await wrong.send(postOf(), context());
    expect(refused).toEqual({
      kind: 'auth',
      reason:
        'login: Bluesky 401 AuthenticationRequired: Invalid identifier or password ' +
        '(check auth.identifier and auth.password: use an app password, not the account password)',
    });

    const adapter = await blueskyAdapter.create(channelFor({ apiRoot: bsky.url }), onlineContext());
    bsky.respondNext(
      (req) => ({ status: 401, body: { error: 'AuthenticationRequired', message: `bad password ${(req.json as { password: string }).password}` } }),
      'com.atproto.server.createSession',
    );
    const echoed = await adapter.send(postOf(), context());
    expect(echoed.kind).toBe('auth');
    expect(JSON.stringify(echoed)).not.toContain(PASSWORD);
    expect(JSON.stringify(echoed)).toContain('bad password [redacted]');
  });

  it('a login abandoned is a retry: nothing can have been posted', async () => {
    const adapter = await blueskyAdapter.create(channelFor({ apiRoot: bsky.url }), onlineContext());
    const controller = new AbortController();
    bsky.respondNext(() => {
      controller.abort(new Error('send timed out'));
      return 'hang';
    }, 'com.atproto.server.createSession');
    expect(await adapter.send(postOf(), context({ signal: controller.signal }))).toEqual({ kind: 'retry', reason: 'login: Bluesky: send timed out' });
    expect(bsky.posts).toHaveLength(0);
  });

  it('a send abandoned while the image downloads is a retry: nothing was posted', async () => {
    const adapter = await blueskyAdapter.create(channelFor({ apiRoot: bsky.url }), onlineContext());
    const controller = new AbortController();
    bsky.fake.route('GET', '/img/slow.jpg', () => {
      controller.abort(new Error('send timed out'));
      return undefined;
    });
    const result = await adapter.send(postOf({ imageUrl: `${bsky.url}/img/slow.jpg` }), context({ signal: controller.signal }));
    expect(result).toEqual({ kind: 'retry', reason: 'preparing the card image: Bluesky: send timed out' });
    expect(bsky.calls('com.atproto.repo.createRecord')).toBe(0);
  });

  it('a createRecord abandoned after the PDS received it is in doubt', async () => {
    const adapter = await blueskyAdapter.create(channelFor({ apiRoot: bsky.url }), onlineContext());
    const controller = new AbortController();
    bsky.respondNext(() => {
      controller.abort(new Error('send timed out'));
      return 'hang';
    });
    const result = await adapter.send(postOf(), context({ signal: controller.signal }));
    expect(result).toEqual({ kind: 'in-doubt', reason: 'Bluesky: send timed out' });
    expect(blueskyAdapter.inDoubt).toBe('resend');
  });
});

describe('bluesky adapter: fitting (property)', () => {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('Kazakhstan', 'reform', 'the', 'U.S.', ' ', ' ', '. ', ', ', 'gov.kz') },
    { weight: 3, arbitrary: fc.constantFrom('Қазақстан', '中文', 'الأخبار', 'क्षत्रिय', 'e\u0301', '😀', '👨‍👩‍👧‍👦', '🇰🇿', '👍🏽', '𝐀𝐁') },
    { weight: 2, arbitrary: fc.constantFrom('@everyone', '@bob.bsky.social', '<b>', '&amp;', '*', '_', '#1', '#Астана', 'https://gov.kz/a') },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
  );
  const text = (max: number) => fc.array(piece, { maxLength: max }).map((p) => p.join('').replace(/\s+/g, ' ').trim());
  const articleArb = fc.record({
    title: text(100),
    summary: text(400),
    categories: fc.array(text(3), { maxLength: 15 }),
    path: fc.stringMatching(/^[a-z0-9-]{1,150}$/),
    host: fc.constantFrom('astanatimes.com', 'www.astanatimes.com', 'xn--80aaa5csg.xn--80ao21a'),
  });

  it('every rendered post fits 300 graphemes and 3000 bytes, and its link facet slices exactly the shown link', async () => {
    const channel = channelFor({ apiRoot: bsky.url });
    const adapter: Adapter = await blueskyAdapter.create(channel, onlineContext());
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    fc.assert(
      fc.property(articleArb, (a) => {
        const rendered = renderPost(
          { ...article, title: a.title, summary: a.summary, categories: a.categories, link: `https://${a.host}/${a.path}/` },
          channel,
          adapter.rules,
        );
        if (!rendered.ok) throw new Error(rendered.reason);
        const post = rendered.post;
        expect([...segmenter.segment(post.text)].length).toBeLessThanOrEqual(300);
        expect(Buffer.byteLength(post.text)).toBeLessThanOrEqual(3000);
        const facets = facetsFor(post.text, post.link);
        const link = facets.find((f) => f.features.some((x) => x.$type === 'app.bsky.richtext.facet#link' && (x as { uri?: string }).uri === post.link));
        expect(link).toBeDefined();
        const bytes = Buffer.from(post.text);
        expect(bytes.subarray(link!.index.byteStart, link!.index.byteEnd).toString()).toBe(displayLink(post.link));
        facets.forEach((f, i) => {
          expect(f.index.byteEnd).toBeLessThanOrEqual(bytes.length);
          if (i > 0) expect(f.index.byteStart).toBeGreaterThanOrEqual(facets[i - 1]!.index.byteEnd);
        });
      }),
      { numRuns: 300 },
    );
  });
});
