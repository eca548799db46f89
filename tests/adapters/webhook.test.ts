import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { webhookAdapter } from '../../adapters/webhook.ts';
import { channelSchemaFor } from '../../src/config/schema.ts';
import type { RenderedPost, SendContext } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import { RECEIVER_PATH, signatureValid, startWebhookReceiverFake, type WebhookReceiverFake } from '../fakes/webhook-receiver.ts';
import { channelOf, dialogueArticle, onlineContext, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const SECRET = 'canary-webhook-secret-5d1e8b77';

let receiver: WebhookReceiverFake;

function channelFor(raw: Record<string, unknown> = {}) {
  return channelOf(webhookAdapter, { id: 'cms-sync', url: receiver.endpoint, auth: { secret: SECRET }, ...raw });
}

/** Sends as delivery `delivery-12`, the id the receiver is asserted to get. */
const context = (overrides: Partial<SendContext> = {}) => sendContext({ idempotencyKey: 'delivery-12', ...overrides });

const LINK = 'https://astanatimes.com/2024/05/kazakhstan-us-dialogue/';

function postOf(overrides: Partial<RenderedPost> = {}): RenderedPost {
  return renderedPost({
    layout: 'text',
    text: `Kazakhstan, US Maintain Dialogue\n\nASTANA – The third meeting.\n\n${LINK}\n#HumanRights`,
    lengths: [{ unit: 'chars', length: 100, limit: 10_000 }],
    link: LINK,
    title: 'Kazakhstan, US Maintain Dialogue',
    summary: 'ASTANA – The third meeting.',
    hashtags: ['#HumanRights'],
    imageUrl: 'https://astanatimes.com/wp-content/uploads/2024/05/dialogue.jpg',
    publishedAt: '2024-05-22T09:15:00Z',
    ...overrides,
  });
}

const article = dialogueArticle();

beforeEach(async () => {
  receiver = await startWebhookReceiverFake(SECRET);
});

afterEach(async () => {
  vi.useRealTimers();
  await receiver.close();
});

describe('webhook adapter', () => {
  it('asks for a real secret and an http(s) url', () => {
    const parse = (raw: Record<string, unknown>) => channelSchemaFor(webhookAdapter).safeParse({ id: 'w', platform: 'webhook', ...raw });
    const short = parse({ url: 'https://cms.example/hook', auth: { secret: 'short' } });
    expect(short.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['auth.secret', 'use at least 16 characters, e.g. the output of `openssl rand -hex 32`'],
    ]);
    expect(parse({ url: 'ftp://cms.example/hook', auth: { secret: SECRET } }).success).toBe(false);
  });

  it('counts characters up to maxCharacters (10,000 by default)', async () => {
    const byDefault = await webhookAdapter.create(channelFor(), onlineContext());
    const limited = await webhookAdapter.create(channelFor({ maxCharacters: 280 }), onlineContext());
    expect(byDefault.rules.layouts[0]!.budgets.map((b) => [b.unit, b.limit, b.count('👨‍👩‍👧')])).toEqual([['chars', 10_000, 5]]);
    expect(limited.rules.layouts[0]!.budgets[0]!.limit).toBe(280);
    expect(receiver.fake.requests).toHaveLength(0);
  });

  it('POSTs the article and the text as JSON, signed as docs/platforms/webhook.md says', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-27T10:00:00.900Z'));
    const adapter = await webhookAdapter.create(channelFor(), onlineContext());
    const result = await adapter.send(postOf(), context());
    expect(result).toEqual({ kind: 'sent', remoteId: 'rcv-1' });
    const [received] = receiver.posts;
    const req = received!.request;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(RECEIVER_PATH);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['idempotency-key']).toBe('delivery-12');
    expect(req.headers['x-herald-delivery']).toBe('delivery-12');
    expect(req.headers['x-herald-event']).toBe('article.published');
    expect(req.headers['x-herald-timestamp']).toBe('1795773600');
    const expected = createHmac('sha256', SECRET).update(`1795773600.${req.text}`, 'utf8').digest('hex');
    expect(req.headers['x-herald-signature']).toBe(`sha256=${expected}`);
    expect(JSON.parse(received!.raw)).toEqual({
      event: 'article.published',
      deliveryId: 'delivery-12',
      channel: 'cms-sync',
      article: {
        title: 'Kazakhstan, US Maintain Dialogue',
        summary: 'ASTANA – The third meeting.',
        link: LINK,
        hashtags: ['#HumanRights'],
        imageUrl: 'https://astanatimes.com/wp-content/uploads/2024/05/dialogue.jpg',
        publishedAt: '2024-05-22T09:15:00Z',
      },
      post: { text: postOf().text, layout: 'text', shortened: false },
    });
    expect(signatureValid(SECRET, { ...req, body: Buffer.from(req.text.replace('Dialogue', 'Dialog')) })).toBe(false);
    expect(signatureValid('another-secret-of-16+', req)).toBe(false);
  });

  it('a resend carries the same Idempotency-Key and body, and the receiver keeps one post', async () => {
    const adapter = await webhookAdapter.create(channelFor(), onlineContext());
    expect(await adapter.send(postOf(), context())).toEqual({ kind: 'sent', remoteId: 'rcv-1' });
    expect(await adapter.send(postOf(), context({ resend: true }))).toEqual({ kind: 'sent', remoteId: 'rcv-1' });
    expect(receiver.posts).toHaveLength(1);
    const bodies = receiver.fake.requests.map((r) => r.text);
    expect(bodies[1]).toBe(bodies[0]);
  });

  it('429 and 5xx are retried after Retry-After (seconds or a date)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-27T10:00:00.000Z'));
    const adapter = await webhookAdapter.create(channelFor(), onlineContext());
    receiver.respondNext(() => ({ status: 429, headers: { 'retry-after': '120' }, body: 'slow down' }));
    expect(await adapter.send(postOf(), context())).toEqual({ kind: 'retry', reason: 'webhook HTTP 429: slow down', rateLimited: true, afterMs: 120_000 });
    receiver.respondNext(() => ({ status: 503, headers: { 'retry-after': 'Fri, 27 Nov 2026 10:00:45 GMT' }, body: { error: 'maintenance' } }));
    expect(await adapter.send(postOf(), context())).toEqual({ kind: 'retry', reason: 'webhook HTTP 503: {"error":"maintenance"}', afterMs: 45_000 });
    receiver.respondNext(() => ({ status: 500 }));
    expect(await adapter.send(postOf(), context())).toEqual({ kind: 'retry', reason: 'webhook HTTP 500: Internal Server Error' });
  });

  it("other 4xx are permanent with the receiver's answer; 410 and a refused signature pause the channel", async () => {
    const adapter = await webhookAdapter.create(channelFor(), onlineContext());
    receiver.respondNext(() => ({ status: 422, body: { error: 'unknown category' } }));
    expect(await adapter.send(postOf(), context())).toEqual({ kind: 'permanent', reason: 'webhook HTTP 422: {"error":"unknown category"}' });
    receiver.respondNext(() => ({ status: 410, body: 'gone' }));
    expect(await adapter.send(postOf(), context())).toEqual({
      kind: 'auth',
      reason: 'webhook HTTP 410: gone (the receiver is gone: fix url, then resume the channel)',
    });
    receiver.respondNext(() => ({ status: 301, headers: { location: 'https://cms.example/new-hook' } }));
    expect(await adapter.send(postOf(), context())).toEqual({
      kind: 'permanent',
      reason: 'webhook HTTP 301: moved to https://cms.example/new-hook (set url to the new address)',
    });
    const wrongSecret = await webhookAdapter.create(channelFor({ auth: { secret: 'not-the-receivers-secret' } }), onlineContext());
    expect(await wrongSecret.send(postOf(), context())).toEqual({
      kind: 'auth',
      reason: 'webhook HTTP 401: {"error":"signature does not match"} (the receiver refused the signature: check auth.secret on both sides)',
    });
    expect(receiver.posts).toHaveLength(0);
  });

  it('the secret never appears in a reason, even when the receiver echoes it', async () => {
    const adapter = await webhookAdapter.create(channelFor(), onlineContext());
    receiver.respondNext(() => ({ status: 400, body: `expected key ${SECRET}` }));
    const result = await adapter.send(postOf(), context());
    expect(result).toEqual({ kind: 'permanent', reason: 'webhook HTTP 400: expected key [redacted]' });
  });

  it('a send abandoned after the receiver got it is in doubt (and resent: inDoubt "resend")', async () => {
    const adapter = await webhookAdapter.create(channelFor(), onlineContext());
    const controller = new AbortController();
    receiver.respondNext(() => {
      controller.abort(new Error('send timed out'));
      return 'hang';
    });
    expect(await adapter.send(postOf(), context({ signal: controller.signal }))).toEqual({ kind: 'in-doubt', reason: 'webhook: send timed out' });
    expect(webhookAdapter.inDoubt).toBe('resend');
  });

  it('apiRoot replaces the origin of url', async () => {
    const adapter = await webhookAdapter.create(channelFor({ url: `https://cms.example${RECEIVER_PATH}`, apiRoot: receiver.url }), onlineContext());
    expect(await adapter.send(postOf(), context())).toEqual({ kind: 'sent', remoteId: 'rcv-1' });
  });

  it("a url with user:password@ is sent with HTTP Basic auth (fetch refuses such a URL), and with Herald's User-Agent", async () => {
    const url = receiver.endpoint.replace('http://', 'http://herald:p%40ss-canary-77@');
    const adapter = await webhookAdapter.create(channelFor({ url }), onlineContext());
    expect(await adapter.send(postOf(), context())).toEqual({ kind: 'sent', remoteId: 'rcv-1' });
    const req = receiver.posts[0]!.request;
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('herald:p@ss-canary-77').toString('base64')}`);
    expect(req.headers['user-agent']).toMatch(/^Herald\/\d+\.\d+\.\d+ \(news feed poster; Node\.js\)$/);
  });
});

describe('webhook adapter: fitting (property)', () => {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('Kazakhstan', 'reform', 'the', 'U.S.', ' ', ' ', '. ', ', ') },
    { weight: 2, arbitrary: fc.constantFrom('Қазақстан', '中文', 'الأخبار', 'e\u0301', '😀', '👨‍👩‍👧‍👦', '🇰🇿', '👍🏽', '\u2028', '"', '\\', '</script>') },
    { weight: 2, arbitrary: fc.constantFrom('@everyone', '<b>', '&amp;', '*', '_', '#1') },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
  );
  const text = (max: number) => fc.array(piece, { maxLength: max }).map((p) => p.join('').trim());
  const articleArb = fc.record({
    title: text(80),
    summary: text(400),
    categories: fc.array(text(3), { maxLength: 15 }),
    maxCharacters: fc.constantFrom(10_000, 280, 120),
  });

  it('every post fits maxCharacters, keeps the link and reaches the receiver byte for byte with a valid signature', async () => {
    await fc.assert(
      fc.asyncProperty(articleArb, async (a) => {
        const channel = channelFor({ maxCharacters: a.maxCharacters });
        const adapter = await webhookAdapter.create(channel, onlineContext());
        const rendered = renderPost({ ...article, title: a.title, summary: a.summary, categories: a.categories }, channel, adapter.rules);
        if (!rendered.ok) throw new Error(rendered.reason);
        const post = rendered.post;
        expect([...post.text].length).toBeLessThanOrEqual(a.maxCharacters);
        expect(post.text).toContain(post.link);
        const before = receiver.posts.length;
        const key = `delivery-${receiver.fake.requests.length}`;
        expect(await adapter.send(post, context({ idempotencyKey: key }))).toEqual({ kind: 'sent', remoteId: `rcv-${before + 1}` });
        const received = receiver.posts[before]!;
        expect(signatureValid(SECRET, received.request)).toBe(true);
        expect(received.payload).toMatchObject({ deliveryId: key, post: { text: post.text }, article: { id: article.id, feedId: article.feedId, categories: a.categories, title: post.title, summary: post.summary, link: post.link } });
      }),
      { numRuns: 150 },
    );
  });
});
