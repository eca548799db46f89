import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { pino } from 'pino';
import twttr from 'twitter-text';
import { parse as parseYaml } from 'yaml';
import { xAdapter } from '../../adapters/x.ts';
import type { Article } from '../../src/article.ts';
import { channelSchemaFor } from '../../src/config/schema.ts';
import type { Adapter, RenderedPost } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import { startFake, type FakeRequest } from '../helpers/http-fake.ts';
import { DUPLICATE_DETAIL, startXFake, xProblem, xRateLimited, type XFake } from '../fakes/x-api.ts';
import { channelOf, offlineContext, onlineContext, reasonOf, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const KEYS = {
  appKey: 'canaryAppKey7Qx1Wd',
  appSecret: 'canary/AppSecret+9Zp2=',
  accessToken: '1234567-canaryAccessToken3Lm',
  accessSecret: 'canary AccessSecret!4Rt',
};
const SECRETS = Object.values(KEYS).flatMap((s) => [s, encodeURIComponent(s)]);

function channelFor(raw: Record<string, unknown>) {
  return channelOf(xAdapter, { id: 'x-main', auth: KEYS, utm: { source: 'x' }, ...raw });
}

const LINK = 'https://astanatimes.com/2024/05/kazakhstan-us-maintain-constructive-dialogue/?utm_source=x&utm_medium=social';

function postOf(text: string, extra: Partial<RenderedPost> = {}): RenderedPost {
  return renderedPost({ layout: 'text', text, link: LINK, ...extra });
}

const TEXT = `Kazakhstan, US Maintain Constructive Dialogue on Human Rights, Democratic Reforms\n\n${LINK}\n#HumanRights #Kazakhstan`;

const article: Article = {
  id: 'https://astanatimes.com/?p=98765',
  feedId: 'astanatimes',
  link: 'https://astanatimes.com/2024/05/kazakhstan-us-maintain-constructive-dialogue-on-human-rights-democratic-reforms/',
  linkKey: 'https://astanatimes.com/2024/05/kazakhstan-us-maintain-constructive-dialogue-on-human-rights-democratic-reforms',
  title: 'Kazakhstan, US Maintain Constructive Dialogue on Human Rights, Democratic Reforms',
  summary:
    'ASTANA – Assistant to the President of Kazakhstan for International Affairs Erzhan Kazykhan and U.S. Under Secretary of State for Civilian Security, Democracy, and Human Rights Uzra Zeya co-chaired the third meeting of the annual High-Level Dialogue on Human Rights and Democratic Reforms between Kazakhstan and the United States on May 20, reported the Foreign Ministry’s press service.',
  categories: ['Nation', 'Human Rights', 'Kazakhstan-US relations'],
  author: 'Staff Report',
  publishedAt: '2024-05-22T09:15:00Z',
};

/** A 1×1 transparent PNG. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PNG = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#2a6' } }).png().toBuffer();

function tweetRequests(fake: XFake): FakeRequest[] {
  return fake.fake.requests.filter((r) => r.method === 'POST' && r.path === '/2/tweets');
}

function oauthHeader(req: FakeRequest): Record<string, string> {
  const header = String(req.headers.authorization);
  return Object.fromEntries(
    [...header.slice('OAuth '.length).matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1]!, decodeURIComponent(m[2]!)]),
  );
}

describe('x adapter: config and rules', () => {
  it('takes the four OAuth keys, media off by default', () => {
    const channel = channelFor({});
    expect(channel.media).toBe(false);
    expect(channel.auth).toEqual(KEYS);
  });

  it('refuses an empty key, naming it', () => {
    const result = channelSchemaFor(xAdapter).safeParse({ id: 'x', platform: 'x', auth: { ...KEYS, accessSecret: '' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['auth.accessSecret']);
  });

  it('takes an OAuth 2.0 app instead, and says which keys X takes when a set is mixed or incomplete', () => {
    const parse = (auth: object) => channelSchemaFor(xAdapter).safeParse({ id: 'x', platform: 'x', auth });
    expect(parse({ clientId: 'id', clientSecret: 'secret', refreshToken: 'seed' }).success).toBe(true);
    const problems = (auth: object) => parse(auth).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    const which =
      'X takes either appKey, appSecret, accessToken and accessSecret (OAuth 1.0a), or clientId, clientSecret and optionally refreshToken (OAuth 2.0, connected with `herald auth CHANNEL`)';
    expect(problems({ ...KEYS, clientId: 'id' })).toEqual([`auth.appKey: not with clientId: ${which}`]);
    expect(problems({ clientSecret: 'secret' })).toEqual([`auth.clientId: required with clientSecret or refreshToken: ${which}`]);
    expect(problems({ appKey: 'k', appSecret: 's' })).toEqual([`auth.accessToken: required: ${which}`, `auth.accessSecret: required: ${which}`]);
  });

  it('declares one weighted layout of 280 with the default template', async () => {
    const { rules } = await xAdapter.create(channelFor({}), offlineContext());
    expect(rules.defaultTemplate).toBe('{title}\n\n{summary}\n\n{link}\n{hashtags}');
    expect(rules.layouts.map((l) => [l.name, l.budgets.map((b) => [b.unit, b.limit])])).toEqual([['text', [['weighted', 280]]]]);
    expect(xAdapter.inDoubt).toBe('resend');
    expect(xAdapter.pacing).toEqual({ windows: [{ limit: 100, seconds: 900 }] });
  });

  it('formats plain text, NFC-normalized, without the characters X refuses', async () => {
    const { rules } = await xAdapter.create(channelFor({}), offlineContext());
    const text = rules.format!(
      [
        { kind: 'title', text: 'Cafe\u0301 <b>&amp;</b>\uFEFF' },
        { kind: 'literal', text: '\n' },
        { kind: 'link', text: LINK },
      ],
      { link: LINK },
    );
    expect(text).toBe(`Café <b>&amp;</b>\n${LINK}`);
  });

  it("neutralizes @handles in the article's text with a word joiner, so X links and notifies nobody; the template's own stay", async () => {
    const { rules } = await xAdapter.create(channelFor({}), offlineContext());
    const text = rules.format!(
      [
        { kind: 'literal', text: 'via @AstanaTimes: ' },
        { kind: 'title', text: '@elonmusk replies to ＠Tokayev, mail news@astanatimes.com' },
        { kind: 'literal', text: '\n' },
        { kind: 'summary', text: 'As @jack said.' },
      ],
      { link: LINK },
    );
    expect(text).toBe('via @AstanaTimes: @\u2060elonmusk replies to ＠\u2060Tokayev, mail news@astanatimes.com\nAs @\u2060jack said.');
    expect(twttr.extractMentions(text)).toEqual(['AstanaTimes']);
  });
});

describe('x adapter: counting matches twitter-text conformance (validate.yml)', () => {
  const corpus = parseYaml(readFileSync(new URL('../fixtures/twitter-text/validate.yml', import.meta.url), 'utf8')) as {
    tests: Record<string, { description: string; text: string; expected: { weightedLength: number; valid: boolean } }[]>;
  };
  // X counts with config v3 (emoji sequences weigh 2). WeightedTweetsCounterTest holds the
  // v2 expectations, which differ only for emoji; its other cases are the same under v3.
  const EMOJI = /\p{Extended_Pictographic}|\u20E3/u;
  const cases = [
    ...corpus.tests.WeightedTweetsWithDiscountedEmojiCounterTest!.map((c) => ({ section: 'v3', ...c })),
    ...corpus.tests.UnicodeDirectionalMarkerCounterTest!.map((c) => ({ section: 'directional', ...c })),
    ...corpus.tests.WeightedTweetsCounterTest!.filter((c) => !EMOJI.test(c.text)).map((c) => ({ section: 'v2 without emoji', ...c })),
  ];

  it('has the cases', () => {
    expect(cases.length).toBeGreaterThan(30);
  });

  it.each(cases)('$section: $description', async ({ text, expected }) => {
    const { rules } = await xAdapter.create(channelFor({}), offlineContext());
    const budget = rules.layouts[0]!.budgets[0]!;
    expect(budget.count(text)).toBe(expected.weightedLength);
  });
});

describe('x adapter: sending through twitter-api-v2 to the X fake', () => {
  let fake: XFake;
  let adapter: Adapter;

  beforeEach(async () => {
    fake = await startXFake({ keys: KEYS });
    adapter = await xAdapter.create(channelFor({ apiRoot: fake.url }), onlineContext());
  });

  afterEach(async () => {
    vi.useRealTimers();
    await adapter.close?.();
    await fake.close();
  });

  it('posts the text as it is, OAuth 1.0a signed, and returns the tweet id and URL', async () => {
    const result = await adapter.send(postOf(TEXT), sendContext());
    expect(fake.tweets).toEqual([{ id: '1790000000000000001', text: TEXT, mediaIds: [] }]);
    expect(result).toEqual({ kind: 'sent', remoteId: '1790000000000000001', url: 'https://x.com/i/web/status/1790000000000000001' });
    const [req] = tweetRequests(fake);
    expect(req!.json).toEqual({ text: TEXT });
    expect(req!.headers['content-type']).toMatch(/^application\/json/);
    expect(oauthHeader(req!)).toMatchObject({
      oauth_consumer_key: KEYS.appKey,
      oauth_token: KEYS.accessToken,
      oauth_signature_method: 'HMAC-SHA1',
      oauth_version: '1.0',
    });
  });

  it('takes an apiRoot with a trailing slash', async () => {
    const slashed = await xAdapter.create(channelFor({ apiRoot: `${fake.url}/` }), onlineContext());
    expect(await slashed.send(postOf(TEXT), sendContext())).toMatchObject({ kind: 'sent' });
    expect(tweetRequests(fake).map((r) => r.url)).toEqual(['/2/tweets']);
    await slashed.close?.();
  });

  it('an identical resend is refused as duplicate content: already posted', async () => {
    expect(await adapter.send(postOf(TEXT), sendContext())).toMatchObject({ kind: 'sent' });
    const again = await adapter.send(postOf(TEXT), { ...sendContext(), resend: true });
    expect(again).toEqual({ kind: 'already-posted', reason: `X refused it as a duplicate of a post already made: ${DUPLICATE_DETAIL}` });
    expect(fake.tweets).toHaveLength(1);
  });

  it('reads a v1-style duplicate refusal too', async () => {
    fake.respondNext(() => ({ status: 403, body: { errors: [{ code: 187, message: 'Status is a duplicate.' }] } }));
    expect(await adapter.send(postOf(TEXT), sendContext())).toEqual({
      kind: 'already-posted',
      reason: 'X refused it as a duplicate of a post already made: Status is a duplicate. (code 187)',
    });
  });

  it('429: retries when the 15-minute window resets (x-rate-limit-reset)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-20T10:00:00Z'));
    const now = Math.floor(Date.now() / 1000);
    fake.respondNext(() => xRateLimited({ reset: now + 600 }));
    expect(await adapter.send(postOf(TEXT), sendContext())).toEqual({
      kind: 'retry',
      rateLimited: true,
      afterMs: 600_000,
      reason: 'X rate limit reached: Too Many Requests',
    });
  });

  it('429 on the 24-hour user cap: retries when that cap resets (x-user-limit-24hour-reset)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-20T10:00:00Z'));
    const now = Math.floor(Date.now() / 1000);
    fake.respondNext(() => xRateLimited({ reset: now + 600, remaining: 63, userDay: { limit: 17, remaining: 0, reset: now + 50_000 } }));
    expect(await adapter.send(postOf(TEXT), sendContext())).toMatchObject({ kind: 'retry', rateLimited: true, afterMs: 50_000_000 });
  });

  it('401: wrongly signed (bad secret) is an auth failure that names the keys', async () => {
    const wrong = await xAdapter.create(channelFor({ apiRoot: fake.url, auth: { ...KEYS, appSecret: 'not-the-secret' } }), onlineContext());
    const result = await wrong.send(postOf(TEXT), sendContext());
    expect(result).toEqual({
      kind: 'auth',
      reason:
        'X refused the credentials (HTTP 401: Unauthorized); check auth.appKey, auth.appSecret, auth.accessToken and auth.accessSecret',
    });
    expect(fake.tweets).toEqual([]);
    await wrong.close?.();
  });

  it('403 for app permissions pauses the channel (auth) with X\'s message', async () => {
    const detail = 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.';
    fake.respondNext(() => xProblem(403, 'Unsupported Authentication', detail, 'https://api.twitter.com/2/problems/oauth1-permissions'));
    const result = await adapter.send(postOf(TEXT), sendContext());
    expect(result).toMatchObject({ kind: 'auth' });
    expect((result as { reason: string }).reason).toContain(detail);
  });

  it('400 for a text X will not take is permanent, with X\'s own message', async () => {
    const long = `${'Kazakhstan '.repeat(30)}${LINK}`;
    const result = await adapter.send(postOf(long), sendContext());
    expect(result).toEqual({
      kind: 'permanent',
      reason: 'X refused the post (HTTP 400): One or more parameters to your request was invalid.; Your Tweet text is too long.',
    });
  });

  it('another 403 is permanent, with X\'s own message', async () => {
    fake.respondNext(() => xProblem(403, 'Forbidden', 'You are not permitted to perform this action.'));
    expect(await adapter.send(postOf(TEXT), sendContext())).toEqual({
      kind: 'permanent',
      reason: 'X refused the post (HTTP 403): You are not permitted to perform this action.',
    });
  });

  it('5xx is retried', async () => {
    fake.respondNext(() => xProblem(503, 'Service Unavailable', 'Service Unavailable'));
    expect(await adapter.send(postOf(TEXT), sendContext())).toEqual({
      kind: 'retry',
      reason: 'X failed (HTTP 503: Service Unavailable)',
    });
  });

  it('no answer before the send is abandoned: in doubt', async () => {
    fake.respondNext(() => 'hang');
    const result = await adapter.send(postOf(TEXT), sendContext({ signal: AbortSignal.timeout(200) }));
    expect(result).toEqual({
      kind: 'in-doubt',
      reason: 'X did not answer before the send was abandoned; the post may have been published',
    });
    expect(tweetRequests(fake)).toHaveLength(1);
  });

  it('connection lost after the request was sent: in doubt', async () => {
    fake.respondNext(() => 'hang');
    const sending = adapter.send(postOf(TEXT), sendContext());
    await vi.waitFor(() => expect(tweetRequests(fake)).toHaveLength(1));
    await fake.close();
    const result = await sending;
    expect(result.kind).toBe('in-doubt');
    expect((result as { reason: string }).reason).toMatch(/^the connection to X failed after sending: /);
  });

  it('a send cancelled before it starts sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await adapter.send(postOf(TEXT), sendContext({ signal: controller.signal }))).toEqual({
      kind: 'retry',
      reason: 'the send was cancelled before it started',
    });
    expect(fake.fake.requests).toEqual([]);
  });
});

describe('x adapter: unreachable X', () => {
  it('connection refused (nothing sent) is retried', async () => {
    const gone = await startFake();
    await gone.close();
    const adapter = await xAdapter.create(channelFor({ apiRoot: gone.url }), onlineContext());
    const result = await adapter.send(postOf(TEXT), sendContext());
    expect(result.kind).toBe('retry');
    expect((result as { reason: string }).reason).toMatch(new RegExp(`^X could not be reached at ${gone.url}: .*ECONNREFUSED`));
    await adapter.close?.();
  });
});

describe('x adapter: an apiRoot with a path (a proxy)', () => {
  it('sends to the path, the body still JSON as api.x.com takes it', async () => {
    const proxy = await startFake();
    proxy.route('POST', '/x-proxy/2/tweets', () => ({ status: 201, body: { data: { id: '42', text: TEXT } } }));
    const adapter = await xAdapter.create(channelFor({ apiRoot: `${proxy.url}/x-proxy` }), onlineContext());
    expect(await adapter.send(postOf(TEXT), sendContext())).toEqual({ kind: 'sent', remoteId: '42', url: 'https://x.com/i/web/status/42' });
    expect(proxy.requests.map((r) => [r.path, r.headers['content-type'], r.json])).toEqual([
      ['/x-proxy/2/tweets', 'application/json;charset=UTF-8', { text: TEXT }],
    ]);
    await adapter.close?.();
    await proxy.close();
  });
});

describe('x adapter: the article image', () => {
  let fake: XFake;
  let adapter: Adapter;
  let warnings: string[];

  beforeEach(async () => {
    fake = await startXFake({ keys: KEYS });
    fake.fake.route('GET', '/images/dialogue.png', () => ({ headers: { 'content-type': 'image/png' }, body: PNG }));
    fake.fake.route('GET', '/images/huge.jpg', () => ({ headers: { 'content-type': 'image/jpeg' }, body: Buffer.alloc(5 * 1_048_576 + 1) }));
    fake.fake.route('GET', '/images/page.html', () => ({ headers: { 'content-type': 'text/html' }, body: '<html></html>' }));
    fake.fake.route('GET', '/images/pixel.png', () => ({ headers: { 'content-type': 'image/png' }, body: PIXEL }));
    warnings = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg as string) });
    adapter = await xAdapter.create(channelFor({ apiRoot: fake.url, media: true }), { logger, offline: false });
  });

  afterEach(async () => {
    await adapter.close?.();
    await fake.close();
  });

  it('is uploaded with v2.uploadMedia and attached to the tweet', async () => {
    const result = await adapter.send(postOf(TEXT, { imageUrl: `${fake.url}/images/dialogue.png` }), sendContext());
    expect(result).toMatchObject({ kind: 'sent' });
    expect(fake.media).toEqual([PNG]);
    expect(fake.tweets).toEqual([{ id: '1790000000000000001', text: TEXT, mediaIds: ['1880000000000000001'] }]);
    const uploads = fake.fake.requests.filter((r) => r.path.startsWith('/2/media/upload'));
    expect(uploads.map((r) => r.path)).toEqual([
      '/2/media/upload/initialize',
      '/2/media/upload/1880000000000000001/append',
      '/2/media/upload/1880000000000000001/finalize',
    ]);
    expect(uploads[0]!.json).toEqual({ media_type: 'image/png', total_bytes: PNG.length, media_category: 'tweet_image' });
    expect(uploads[1]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(tweetRequests(fake)[0]!.json).toEqual({ text: TEXT, media: { media_ids: ['1880000000000000001'] } });
    expect(warnings).toEqual([]);
  });

  it.each([
    ['missing (404)', '/images/missing.png'],
    ['over 5 MB', '/images/huge.jpg'],
    ['not an image', '/images/page.html'],
    ['a 1×1 tracking pixel', '/images/pixel.png'],
  ])('%s: the post goes out without it, with a warning', async (_, path) => {
    const result = await adapter.send(postOf(TEXT, { imageUrl: `${fake.url}${path}` }), sendContext());
    expect(result).toMatchObject({ kind: 'sent' });
    expect(fake.tweets).toEqual([{ id: '1790000000000000001', text: TEXT, mediaIds: [] }]);
    expect(fake.media).toEqual([]);
    expect(warnings).toEqual(['image not attached; posting the text alone']);
  });

  it('carries the image description as its alt text (POST /2/media/metadata)', async () => {
    const imageAlt = 'Erzhan Kazykhan and Uzra Zeya at the dialogue in Astana';
    const result = await adapter.send(postOf(TEXT, { imageUrl: `${fake.url}/images/dialogue.png`, imageAlt }), sendContext());
    expect(result).toMatchObject({ kind: 'sent' });
    expect(fake.altTexts).toEqual(new Map([['1880000000000000001', imageAlt]]));
    expect(fake.tweets[0]!.mediaIds).toEqual(['1880000000000000001']);
    expect(warnings).toEqual([]);
  });

  it('cuts a description to the 1000 characters X takes', async () => {
    const imageAlt = 'x'.repeat(1001);
    const result = await adapter.send(postOf(TEXT, { imageUrl: `${fake.url}/images/dialogue.png`, imageAlt }), sendContext());
    expect(result).toMatchObject({ kind: 'sent' });
    expect(fake.altTexts.get('1880000000000000001')).toBe('x'.repeat(1000));
  });

  it('is not fetched when media is off', async () => {
    const textOnly = await xAdapter.create(channelFor({ apiRoot: fake.url }), onlineContext());
    await textOnly.send(postOf(TEXT, { imageUrl: `${fake.url}/images/dialogue.png` }), sendContext());
    expect(fake.fake.requests.map((r) => r.path)).toEqual(['/2/tweets']);
    await textOnly.close?.();
  });
});

describe('x adapter: secrets never appear in a result', () => {
  it('not in any reason, whatever X or the network says', async () => {
    const fake = await startXFake({ keys: KEYS });
    const adapter = await xAdapter.create(channelFor({ apiRoot: fake.url }), onlineContext());
    const wrongKeys = await xAdapter.create(channelFor({ apiRoot: fake.url, auth: { ...KEYS, accessSecret: 'canary-wrong' } }), onlineContext());
    const echo = `proxy saw ${Object.values(KEYS).join(' ')} ${encodeURIComponent(KEYS.appSecret)}`;
    fake.respondNext((req) => xProblem(400, 'Bad Request', `${echo} ${String(req.headers.authorization)}`));
    fake.respondNext((req) => ({ status: 403, body: { errors: [{ code: 99, message: `${echo} ${req.text}` }] } }));
    fake.respondNext(() => xRateLimited({ reset: Math.floor(Date.now() / 1000) + 60 }));
    fake.respondNext(() => ({ status: 502, headers: { 'content-type': 'text/plain' }, body: echo }));
    fake.respondNext(() => 'hang');
    const results = [
      await adapter.send(postOf(TEXT), sendContext()),
      await adapter.send(postOf(TEXT), sendContext()),
      await adapter.send(postOf(TEXT), sendContext()),
      await adapter.send(postOf(TEXT), sendContext()),
      await adapter.send(postOf(TEXT), sendContext({ signal: AbortSignal.timeout(200) })),
      await wrongKeys.send(postOf(TEXT), sendContext()),
    ];
    expect(results.map((r) => r.kind)).toEqual(['permanent', 'permanent', 'retry', 'retry', 'in-doubt', 'auth']);
    const reasons = results.map(reasonOf);
    expect(reasons[0]).toContain('proxy saw [redacted]');
    for (const reason of reasons) for (const secret of SECRETS) expect(reason).not.toContain(secret);
    await adapter.close?.();
    await wrongKeys.close?.();
    await fake.close();
  });
});

describe('x adapter: every rendered post fits X (renderPost + twitter-text)', () => {
  const scripts = fc.constantFrom(
    'Kazakhstan',
    'Қазақстан',
    'Казахстан',
    '哈萨克斯坦',
    'カザフスタン',
    '카자흐스탄',
    'كازاخستان',
    'קזחסטן',
    'कज़ाख़स्तान',
    '👨‍👩‍👧‍👦',
    '🇰🇿',
    '🧕🏾',
    '👩🏽‍🚀',
    '1⃣',
    '<b>&amp;</b>',
    '"quoted" & \'single\'',
    'e\u0301',
    '\u200D\u200B\u2066',
    '\uFEFF',
    'astanatimes.com',
    '@astanatimes',
    '#Astana',
    '$KZT',
  );
  const words = fc.array(fc.oneof(scripts, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })), { minLength: 1, maxLength: 60 });
  const phrase = words.map((w) => w.join(' '));
  const slug = fc.array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 14 }).map((w) => w.join('-'));
  const articleArb = fc.record({
    title: phrase,
    summary: fc.oneof(fc.constant(''), phrase, words.map((w) => `${w.join(' ')}. ${w.join(', ')}.`)),
    categories: fc.array(fc.oneof(scripts, fc.string({ unit: 'grapheme', maxLength: 20 })), { maxLength: 25 }),
    link: fc
      .tuple(fc.constantFrom('https://astanatimes.com', 'https://www.astanatimes.com', 'http://kz.example.org'), fc.integer({ min: 2008, max: 2030 }), slug, fc.option(slug))
      .map(([host, year, s, q]) => `${host}/${year}/05/${s}/${q ? `?ref=${q}` : ''}`),
  });

  it('is valid for twitter-text, at most 280, and carries the full link with its UTM tags', async () => {
    const channel = channelFor({ hashtags: { max: 5 }, utm: { source: 'x', medium: 'social', campaign: 'herald' } });
    const { rules } = await xAdapter.create(channel, offlineContext());
    fc.assert(
      fc.property(articleArb, (a) => {
        const outcome = renderPost({ ...article, ...a, id: a.link, linkKey: a.link }, channel, rules);
        if (!outcome.ok) throw new Error(outcome.reason);
        const { text, link, lengths } = outcome.post;
        const parsed = twttr.parseTweet(text);
        expect(parsed.valid).toBe(true);
        expect(parsed.weightedLength).toBeLessThanOrEqual(280);
        expect(lengths).toEqual([{ unit: 'weighted', length: parsed.weightedLength, limit: 280 }]);
        expect(link).toContain('utm_source=x&utm_medium=social&utm_campaign=herald');
        expect(text).toContain(link);
        expect(twttr.extractUrls(text)).toContain(link);
      }),
      { numRuns: 150 },
    );
  });

  it('shortens the Astana Times lead at a boundary, keeping title and link whole', async () => {
    const channel = channelFor({});
    const { rules } = await xAdapter.create(channel, offlineContext());
    const outcome = renderPost(article, channel, rules);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const link = `${article.link}?utm_source=x&utm_medium=social`;
    expect(outcome.post.link).toBe(link);
    expect(outcome.post.shortened).toBe(true);
    expect(outcome.post.text.startsWith(`${article.title}\n\nASTANA – `)).toBe(true);
    expect(outcome.post.text).toContain(`…\n\n${link}`);
    expect(twttr.parseTweet(outcome.post.text).weightedLength).toBeLessThanOrEqual(280);
  });
});
