import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countLinks, linksIn, THREADS_MAX_LENGTH, threadsAdapter, threadsLength } from '../../adapters/threads.ts';
import type { Adapter, RenderedPost } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import { graphError, startThreadsFake, type PlatformFake, type ThreadsPost } from '../fakes/graph-api.ts';
import { blankArticle, channelOf, offlineContext, onlineContext, reasonOf, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const USER = '26000000000000001';
const TOKEN = 'THAAcanaryToken9Zp2Kq';

function channelFor(raw: Record<string, unknown>) {
  return channelOf(threadsAdapter, { id: 'threads-main', userId: USER, auth: { accessToken: TOKEN }, utm: { source: 'threads' }, ...raw });
}

const LINK = 'https://astanatimes.com/2024/05/dialogue/?utm_source=threads&utm_medium=social';
const TEXT = `Kazakhstan, US Maintain Constructive Dialogue 🇰🇿🇺🇸\n\n${LINK}\n#HumanRights`;

function postOf(extra: Partial<RenderedPost> = {}): RenderedPost {
  return renderedPost({ layout: 'text', text: TEXT, link: LINK, ...extra });
}

describe('threadsLength: Threads counts emoji as their UTF-8 bytes', () => {
  it.each([
    ['Astana', 6],
    ['Қазақстан', 9],
    ['中文', 2],
    ['e\u0301', 2],
    ['😀', 4],
    ['❤️', 6],
    ['🇰🇿', 8],
    ['1️⃣', 7],
    ['👨‍👩‍👧', 18],
    ['👩🏽‍🚀', 15],
    ['Hi 👋!', 8],
  ])('%s counts %i', (text, expected) => {
    expect(threadsLength(text)).toBe(expected);
  });
});

/** threadsLength as it was before it segmented only the text around non-fast characters: every grapheme segmented. */
function threadsLengthSegmentingAll(text: string): number {
  const emoji = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3|\uFE0F/u;
  let length = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    length += emoji.test(segment) ? Buffer.byteLength(segment, 'utf8') : segment.length;
  }
  return length;
}

const codePoint = (from: number, to: number) => fc.integer({ min: from, max: to }).map((c) => String.fromCodePoint(c));
/** News text, emoji and whatever joins them: ZWJ, skin tones, variation selectors, keycaps, flags, marks. */
const threadsPiece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'Z', ' ', '.', '#', '1', 'Қ', 'ә', '«', '’', '–', '\n', '\r', '\r\n', '\u00ad') },
  { weight: 2, arbitrary: fc.constantFrom('©', '®', '‼', '⁉', '™', '\u203b', '\u203d', '\u2048', '\u204a', '\u00a8', '\u00aa', '\u00af') },
  { weight: 3, arbitrary: fc.constantFrom('😀', '👍🏽', '❤', '❤️', '☺︎', '👨‍👩‍👧', '👩🏽‍🚀', '🏳️‍🌈', '1️⃣', '#️⃣', '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}', '🇰🇿') },
  { weight: 3, arbitrary: fc.oneof(codePoint(0x1f1e6, 0x1f1ff), codePoint(0x1f300, 0x1faff), codePoint(0x2600, 0x27bf)) },
  { weight: 3, arbitrary: fc.constantFrom('\u200d', '\ufe0e', '\ufe0f', '\u20e3', '\u{1f3fb}', '\u{1f3ff}', '\u0301', '\u0483', '\u094d', '\u093f', '\u0600') },
  { weight: 2, arbitrary: fc.constantFrom('中', '𝐀', '\u1100', '\u1161', '\u11a8', '각', 'क', 'ष', '\ud800', '\udc00') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 2 }) },
);

describe('threadsLength segments only around characters that may join or be emoji', () => {
  it('counts as segmenting the whole text does (property)', () => {
    fc.assert(
      fc.property(fc.array(threadsPiece, { maxLength: 40 }).map((pieces) => pieces.join('')), (text) => {
        expect(threadsLength(text)).toBe(threadsLengthSegmentingAll(text));
      }),
      { numRuns: 10_000 },
    );
  });

  it('counts © ® ‼ ⁉ as emoji alone and inside ZWJ sequences', () => {
    expect(threadsLength('a©b®c‼d⁉')).toBe(14);
    expect(threadsLength('👍\u200d©')).toBe(9);
  });
});

describe('links as Threads counts them: every unique URL in the text', () => {
  it('counts URLs with a scheme, www. addresses and bare domains once each', () => {
    const text = 'See https://astanatimes.com/a?x=1, www.gov.kz and akorda.kz. Again: https://astanatimes.com/a?x=1 — U.S. e.g. Mr.';
    expect([...linksIn(text)]).toEqual(['https://astanatimes.com/a?x=1', 'www.gov.kz', 'akorda.kz']);
    expect(countLinks('no links here, 3.5 million, U.S.')).toBe(0);
  });
});

describe('threads adapter against the Threads fake', () => {
  let threads: PlatformFake<ThreadsPost>;
  let adapter: Adapter;

  beforeEach(async () => {
    threads = await startThreadsFake({ userId: USER, token: TOKEN });
    adapter = await threadsAdapter.create(channelFor({ apiRoot: `${threads.url}/v1.0` }), onlineContext());
  });
  afterEach(() => threads.close());

  it('creates a TEXT container with the link attachment, waits for FINISHED, publishes and reads the permalink', async () => {
    const result = await adapter.send(postOf(), sendContext());
    const id = threads.posts[0]?.id;
    expect(result).toEqual({ kind: 'sent', remoteId: id, url: `https://www.threads.net/@herald/post/FAKE${id}` });
    expect(threads.posts).toEqual([{ id, text: TEXT, linkAttachment: LINK }]);
    const requests = threads.fake.requests;
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /v1.0/${USER}/threads`,
      'GET /v1.0/18000001',
      `POST /v1.0/${USER}/threads_publish`,
      `GET /v1.0/${id}`,
    ]);
    expect(Object.fromEntries(requests[0]!.form!)).toEqual({ media_type: 'TEXT', text: TEXT, link_attachment: LINK, access_token: TOKEN });
    expect(Object.fromEntries(requests[1]!.query)).toEqual({ fields: 'status,error_message', access_token: TOKEN });
    expect(Object.fromEntries(requests[2]!.form!)).toEqual({ creation_id: '18000001', access_token: TOKEN });
  });

  it('waits while the container is IN_PROGRESS', async () => {
    await threads.close();
    threads = await startThreadsFake({ userId: USER, token: TOKEN, pollsUntilFinished: 1 });
    adapter = await threadsAdapter.create(channelFor({ apiRoot: `${threads.url}/v1.0` }), onlineContext());
    expect((await adapter.send(postOf(), sendContext())).kind).toBe('sent');
    expect(threads.fake.requests.filter((r) => r.path === '/v1.0/18000001')).toHaveLength(2);
  });

  it('leaves the link attachment out when five other links already fill the post', async () => {
    const text = 'a.kz b.kz c.kz d.kz e.kz';
    await adapter.send(postOf({ text }), sendContext());
    expect(threads.posts[0]).toEqual({ id: threads.posts[0]!.id, text });
  });

  it('retries rate-limited calls, after Retry-After when given', async () => {
    threads.respondNext(() => ({ ...graphError(400, 4, 'Application request limit reached'), headers: { 'retry-after': '30' } }));
    expect(await adapter.send(postOf(), sendContext())).toEqual({ kind: 'retry', rateLimited: true, afterMs: 30_000, reason: expect.stringContaining('rate limited') });
  });

  it("is permanent with Threads' message when it refuses the post", async () => {
    threads.respondNext(() => graphError(400, 100, 'The post contains more than 5 links', { type: 'THApiException', userMessage: 'THREADS_API__LINK_LIMIT_EXCEEDED' }));
    const result = await adapter.send(postOf(), sendContext());
    expect(result.kind).toBe('permanent');
    expect(reasonOf(result)).toContain('Threads refused the post: The post contains more than 5 links — THREADS_API__LINK_LIMIT_EXCEEDED (code 100');
  });

  it('pauses the channel when the token is refused', async () => {
    const stale = await threadsAdapter.create(channelFor({ apiRoot: `${threads.url}/v1.0`, auth: { accessToken: 'THAAexpired' } }), onlineContext());
    const result = await stale.send(postOf(), sendContext());
    expect(result.kind).toBe('auth');
    expect(reasonOf(result)).toContain('set auth.accessToken of channel threads-main');
  });

  it('is in doubt when threads_publish is cut off; a cut-off container step is retried', async () => {
    const cut = new AbortController();
    threads.respondNext(() => undefined);
    threads.respondNext(() => undefined);
    threads.respondNext(() => {
      setTimeout(() => cut.abort(), 20);
      return 'hang';
    });
    expect((await adapter.send(postOf(), sendContext({ signal: cut.signal }))).kind).toBe('in-doubt');

    const early = new AbortController();
    threads.respondNext(() => {
      setTimeout(() => early.abort(), 20);
      return 'hang';
    });
    expect((await adapter.send(postOf(), sendContext({ signal: early.signal }))).kind).toBe('retry');
    expect(threads.posts).toEqual([]);
  });

  it('never puts the token in a reason', async () => {
    threads.respondNext(() => graphError(500, 1, `An unknown error occurred for ${TOKEN}`));
    const result = await adapter.send(postOf(), sendContext());
    expect(result.kind).toBe('retry');
    expect(reasonOf(result)).toContain('[redacted]');
    expect(reasonOf(result)).not.toContain(TOKEN);
  });

  it('makes no request when created offline', async () => {
    await threadsAdapter.create(channelFor({ apiRoot: threads.url }), offlineContext());
    expect(threads.fake.requests).toEqual([]);
  });
});

describe('threads adapter: every rendered post fits Threads', () => {
  const scripts = fc.constantFrom('Kazakhstan', 'Қазақстан', '哈萨克斯坦', 'كازاخستان', '👨‍👩‍👧‍👦', '🇰🇿', '❤️', '1️⃣', 'e\u0301', '#Astana', 'akorda.kz', 'www.gov.kz', 'https://astanatimes.com/x');
  const words = fc.array(fc.oneof(scripts, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })), { minLength: 1, maxLength: 80 });
  const base = blankArticle();

  it('counts at most 500 (emoji as UTF-8 bytes), has at most 5 links, and keeps the whole link', async () => {
    const channel = channelFor({ hashtags: { max: 5 } });
    const { rules } = await threadsAdapter.create(channel, offlineContext());
    fc.assert(
      fc.property(fc.record({ title: words.map((w) => w.join(' ')), summary: words.map((w) => w.join(' ')), categories: fc.array(scripts, { maxLength: 10 }) }), (a) => {
        const outcome = renderPost({ ...base, ...a }, channel, rules);
        if (!outcome.ok) throw new Error(outcome.reason);
        const { text, link, hashtags } = outcome.post;
        expect(threadsLength(text)).toBeLessThanOrEqual(THREADS_MAX_LENGTH);
        expect(countLinks(text)).toBeLessThanOrEqual(5);
        expect(hashtags.length).toBeLessThanOrEqual(1);
        expect(link).toBe('https://astanatimes.com/2024/05/story/?utm_source=threads&utm_medium=social');
        expect(text).toContain(link);
        expect(linksIn(text).has(link)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
