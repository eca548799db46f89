import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { mastodonAdapter, mastodonLength } from '../../adapters/mastodon.ts';
import { UserError } from '../../src/errors.ts';
import type { RenderedPost, SendContext } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import { startFake } from '../helpers/http-fake.ts';
import { mastodonCountedLength, startMastodonFake, type MastodonFake } from '../fakes/mastodon-api.ts';
import { channelOf, dialogueArticle, offlineContext, onlineContext, reasonOf, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const TOKEN = 'canary-MastodonToken-7f3a9c';

function channelFor(raw: Record<string, unknown>) {
  return channelOf(mastodonAdapter, { id: 'mastodon-main', auth: { accessToken: TOKEN }, utm: { source: 'mastodon' }, ...raw });
}

/** Sends as delivery `delivery-41`, the Idempotency-Key asserted below. */
const context = (overrides: Partial<SendContext> = {}) => sendContext({ idempotencyKey: 'delivery-41', ...overrides });

const LINK = 'https://astanatimes.com/2024/05/kazakhstan-us-dialogue/?utm_source=mastodon&utm_medium=social';

function postOf(text: string): RenderedPost {
  return renderedPost({ layout: 'status', text, link: LINK });
}

const article = dialogueArticle({ publishedAt: '2024-05-22T09:15:00Z' });

let mastodon: MastodonFake;
let instanceUrl: string;

beforeEach(async () => {
  mastodon = await startMastodonFake({ accessToken: TOKEN, maxCharacters: 500 });
  instanceUrl = mastodon.url;
});

afterEach(async () => {
  vi.useRealTimers();
  await mastodon.close();
});

describe('mastodon length', () => {
  it('counts every clean URL as the instance weight, whatever its length', () => {
    expect(mastodonLength(`Read ${LINK}`, 23)).toBe(5 + 23);
    expect(mastodonLength('see https://a.kz/x now', 23)).toBe(4 + 23 + 4);
    expect(mastodonLength(`Read ${LINK}`, 30)).toBe(5 + 30);
  });

  it('counts @user@domain as @user, graphemes not code units, and the spoiler text', () => {
    expect(mastodonLength('via @astanatimes@mastodon.social', 23)).toBe('via @astanatimes'.length);
    expect(mastodonLength('@a@b.kz@c', 23)).toBe(9);
    expect(mastodonLength('Қазақстан 🇰🇿 👨‍👩‍👧‍👦', 23)).toBe(13);
    expect(mastodonLength('text', 23, 'CW: war')).toBe(4 + 7);
  });

  it('never counts less than Mastodon for a URL it cannot be sure of', () => {
    for (const text of ['(https://gov.kz)', 'https://gov.kz.', 'gemini://a.co', 'x https://a.kz,https://b.kz y', 'https://a.kz/p=']) {
      expect(mastodonLength(text, 23)).toBeGreaterThanOrEqual(mastodonCountedLength(text, '', 23));
    }
  });
});

describe('mastodon adapter: rules', () => {
  it('reads the limit and URL weight from /api/v2/instance once per process', async () => {
    await mastodon.close();
    mastodon = await startMastodonFake({ accessToken: TOKEN, maxCharacters: 1000, urlWeight: 25 });
    const channel = channelFor({ apiRoot: mastodon.url });
    const first = await mastodonAdapter.create(channel, onlineContext());
    const second = await mastodonAdapter.create(channel, onlineContext());
    for (const adapter of [first, second]) {
      const budget = adapter.rules.layouts[0]!.budgets[0]!;
      expect(budget.limit).toBe(1000);
      expect(budget.count(`x ${LINK}`)).toBe(2 + 25);
    }
    expect(mastodon.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v2/instance']);
  });

  it('falls back to /api/v1/instance on servers older than 4.0, and `instance` works as apiRoot', async () => {
    await mastodon.close();
    mastodon = await startMastodonFake({ accessToken: TOKEN, maxCharacters: 640, v1Only: true });
    const adapter = await mastodonAdapter.create(channelFor({ instance: mastodon.url }), onlineContext());
    expect(adapter.rules.layouts[0]!.budgets[0]!.limit).toBe(640);
    expect(mastodon.fake.requests.map((r) => r.path)).toEqual(['/api/v2/instance', '/api/v1/instance']);
  });

  it('takes maxCharacters over the instance, and offline contacts nothing (500 unless overridden)', async () => {
    const overridden = await mastodonAdapter.create(channelFor({ apiRoot: `${instanceUrl}/`, maxCharacters: 450 }), onlineContext());
    expect(overridden.rules.layouts[0]!.budgets[0]!.limit).toBe(450);
    const before = mastodon.fake.requests.length;
    const dry = await mastodonAdapter.create(channelFor({ apiRoot: 'http://127.0.0.1:9/' }), offlineContext());
    expect(dry.rules.layouts[0]!.budgets[0]!.limit).toBe(500);
    expect(dry.rules.layouts[0]!.budgets[0]!.count(LINK)).toBe(23);
    const dryOverridden = await mastodonAdapter.create(channelFor({ apiRoot: 'http://127.0.0.1:9/', maxCharacters: 5000 }), offlineContext());
    expect(dryOverridden.rules.layouts[0]!.budgets[0]!.limit).toBe(5000);
    expect(mastodon.fake.requests.length).toBe(before);
  });

  it('refuses a channel without an instance, and one whose instance cannot be read, saying what to do', async () => {
    await expect(mastodonAdapter.create(channelFor({}), onlineContext())).rejects.toThrow(UserError);
    await expect(mastodonAdapter.create(channelFor({}), onlineContext())).rejects.toThrow('no Mastodon instance');
    mastodon.respondNext(() => ({ status: 503, body: 'down for maintenance' }), '/api/v2/instance');
    await expect(mastodonAdapter.create(channelFor({ apiRoot: instanceUrl }), onlineContext())).rejects.toThrow(
      `channel mastodon-main: could not read the limits of ${instanceUrl}/api/v2/instance: ${instanceUrl}/api/v2/instance answered HTTP 503`,
    );
    const recovered = await mastodonAdapter.create(channelFor({ apiRoot: instanceUrl }), onlineContext());
    expect(recovered.rules.layouts[0]!.budgets[0]!.limit).toBe(500);
  });

  it('keeps titles from mentioning anyone, but not the operator template', async () => {
    const channel = channelFor({ apiRoot: instanceUrl, template: '{title} via @desk@astanatimes.com\n{link}' });
    const adapter = await mastodonAdapter.create(channel, onlineContext());
    const rendered = renderPost({ ...article, title: 'Ask @everyone and @bob@example.social' }, channel, adapter.rules);
    expect(rendered.ok && rendered.post.text).toBe(`Ask @\u200Beveryone and @\u200Bbob@example.social via @desk@astanatimes.com\n${LINK}`);
  });
});

describe('mastodon adapter: sending', () => {
  it('posts the status with the delivery as Idempotency-Key and the channel options', async () => {
    const channel = channelFor({ apiRoot: instanceUrl, visibility: 'unlisted', language: 'en', spoilerText: 'Politics' });
    const adapter = await mastodonAdapter.create(channel, onlineContext());
    const text = `Kazakhstan & US <talks>\n\n${LINK}\n#HumanRights`;
    const result = await adapter.send(postOf(text), context());
    expect(mastodon.posts).toHaveLength(1);
    const accepted = mastodon.posts[0]!;
    expect(result).toEqual({ kind: 'sent', remoteId: accepted.status.id, url: `${instanceUrl}/@herald/${accepted.status.id}` });
    expect(accepted.request.method).toBe('POST');
    expect(accepted.request.path).toBe('/api/v1/statuses');
    expect(accepted.request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(accepted.request.headers['idempotency-key']).toBe('delivery-41');
    expect(accepted.request.headers['content-type']).toBe('application/json');
    expect(accepted.request.json).toEqual({ status: text, visibility: 'unlisted', language: 'en', spoiler_text: 'Politics' });
  });

  it('a resend with the same Idempotency-Key gets the same status, not a second one', async () => {
    const adapter = await mastodonAdapter.create(channelFor({ apiRoot: instanceUrl }), onlineContext());
    const first = await adapter.send(postOf(`Hello ${LINK}`), context());
    const again = await adapter.send(postOf(`Hello ${LINK}`), context({ resend: true }));
    expect(again).toEqual(first);
    expect(mastodon.posts).toHaveLength(1);
    expect(mastodon.fake.requests.filter((r) => r.path === '/api/v1/statuses')).toHaveLength(2);
  });

  it('a 429 is a rate-limited retry after the ISO-8601 X-RateLimit-Reset', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-27T10:00:00.000Z'));
    await mastodon.close();
    mastodon = await startMastodonFake({ accessToken: TOKEN, statusLimit: { limit: 0, resetAt: new Date('2026-11-27T10:01:30.250Z') } });
    const adapter = await mastodonAdapter.create(channelFor({ apiRoot: mastodon.url }), onlineContext());
    const result = await adapter.send(postOf(`Hello ${LINK}`), context());
    expect(result).toEqual({ kind: 'retry', reason: 'Mastodon HTTP 429: Too many requests', rateLimited: true, afterMs: 90_250 });
  });

  it("a refused status is permanent with Mastodon's own message", async () => {
    const adapter = await mastodonAdapter.create(channelFor({ apiRoot: instanceUrl }), onlineContext());
    const result = await adapter.send(postOf('x'.repeat(501)), context());
    expect(result).toEqual({ kind: 'permanent', reason: 'Mastodon HTTP 422: Validation failed: Text character limit of 500 exceeded' });
    expect(mastodon.posts).toHaveLength(0);
  });

  it('a refused token pauses the channel and the token never appears, even when echoed', async () => {
    const wrong = await mastodonAdapter.create(channelFor({ apiRoot: instanceUrl, auth: { accessToken: 'not-the-token' } }), onlineContext());
    const refused = await wrong.send(postOf(`Hello ${LINK}`), context());
    expect(refused.kind).toBe('auth');
    expect(refused.kind === 'auth' && refused.reason).toMatch(/^Mastodon HTTP 401: The access token is invalid \(create a new access token/);

    const adapter = await mastodonAdapter.create(channelFor({ apiRoot: instanceUrl }), onlineContext());
    mastodon.respondNext((req) => ({ status: 403, body: { error: `This action is outside the authorized scopes of ${req.headers.authorization}` } }));
    const echoed = await adapter.send(postOf(`Hello ${LINK}`), context());
    expect(echoed.kind).toBe('auth');
    expect(JSON.stringify(echoed)).not.toContain(TOKEN);
    expect(JSON.stringify(echoed)).toContain('Bearer [redacted]');
  });

  it('an error page that echoes the token where the excerpt is cut leaves no part of it', async () => {
    const adapter = await mastodonAdapter.create(channelFor({ apiRoot: instanceUrl }), onlineContext());
    mastodon.respondNext((req) => ({ status: 502, headers: { 'content-type': 'text/html' }, body: `${'x'.repeat(190)} ${req.headers.authorization}` }));
    const result = await adapter.send(postOf(`Hello ${LINK}`), context());
    expect(result.kind).toBe('retry');
    expect(reasonOf(result)).not.toMatch(/canary|Token-7f/i);
    expect(reasonOf(result)).toMatch(/x Bearer \[r$/);
  });

  it('a server error or a proxy page is retried, a refused connection too', async () => {
    const adapter = await mastodonAdapter.create(channelFor({ apiRoot: instanceUrl }), onlineContext());
    mastodon.respondNext(() => ({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' }));
    expect(await adapter.send(postOf(`Hello ${LINK}`), context())).toEqual({ kind: 'retry', reason: 'Mastodon HTTP 502: <html>Bad Gateway</html>' });

    const gone = await startFake();
    const goneUrl = gone.url;
    await gone.close();
    const unreachable = await mastodonAdapter.create(channelFor({ apiRoot: goneUrl, maxCharacters: 500 }), offlineContext());
    const refused = await unreachable.send(postOf(`Hello ${LINK}`), context());
    expect(refused.kind).toBe('retry');
    expect(refused.kind === 'retry' && refused.reason).toMatch(/ECONNREFUSED/);
  });

  it('a send abandoned after the instance received it is in doubt', async () => {
    const adapter = await mastodonAdapter.create(channelFor({ apiRoot: instanceUrl }), onlineContext());
    const controller = new AbortController();
    mastodon.respondNext(() => {
      controller.abort(new Error('send timed out'));
      return 'hang';
    });
    const result = await adapter.send(postOf(`Hello ${LINK}`), context({ signal: controller.signal }));
    expect(result).toEqual({ kind: 'in-doubt', reason: 'Mastodon: send timed out' });
    expect(mastodonAdapter.inDoubt).toBe('resend');
  });
});

describe('mastodon adapter: editing a status', () => {
  const CORRECTED = `Kazakhstan, US Hold Talks (corrected)\n\n${LINK}`;

  async function published(raw: Record<string, unknown> = {}) {
    const adapter = await mastodonAdapter.create(channelFor({ apiRoot: instanceUrl, ...raw }), onlineContext());
    const sent = await adapter.send(postOf(`Kazakhstan, US Hold Talks\n\n${LINK}`), context());
    if (sent.kind !== 'sent') throw new Error(`not sent: ${JSON.stringify(sent)}`);
    return { adapter, remote: { remoteId: sent.remoteId, remoteUrl: sent.url } };
  }

  it('declares that it can edit, with no time limit', () => {
    expect(mastodonAdapter.edit).toEqual({});
  });

  it('PUT /api/v1/statuses/:id with the same fields as the post, visibility aside (it cannot change)', async () => {
    const { adapter, remote } = await published({ visibility: 'unlisted', language: 'en', spoilerText: 'Politics' });
    expect(await adapter.edit!(remote, postOf(CORRECTED), context())).toEqual({ kind: 'edited', url: remote.remoteUrl });
    expect(mastodon.edits).toHaveLength(1);
    const { request } = mastodon.edits[0]!;
    expect([request.method, request.path, request.headers.authorization]).toEqual(['PUT', `/api/v1/statuses/${remote.remoteId}`, `Bearer ${TOKEN}`]);
    expect(request.json).toEqual({ status: CORRECTED, language: 'en', spoiler_text: 'Politics' });
    expect(mastodon.posts.map((p) => [p.status.id, p.text])).toEqual([[remote.remoteId, CORRECTED]]);
    // The same edit again (a retry after a lost answer) is accepted and changes nothing.
    expect(await adapter.edit!(remote, postOf(CORRECTED), context())).toEqual({ kind: 'edited', url: remote.remoteUrl });
    expect(mastodon.edits).toHaveLength(1);
  });

  it('a status deleted by hand is gone (404 Record not found), not retried', async () => {
    const { adapter, remote } = await published();
    mastodon.deleteStatus(remote.remoteId);
    expect(await adapter.edit!(remote, postOf(CORRECTED), context())).toEqual({ kind: 'gone', reason: 'Mastodon HTTP 404: Record not found' });
    expect(mastodon.edits).toEqual([]);
  });

  it('a 429 is retried after X-RateLimit-Reset; a refused edit is permanent; a lost answer is retried, not in doubt', async () => {
    const { adapter, remote } = await published();
    const path = `/api/v1/statuses/${remote.remoteId}`;
    mastodon.respondNext(() => ({ status: 429, headers: { 'x-ratelimit-reset': new Date(Date.now() + 60_000).toISOString() }, body: { error: 'Too many requests' } }), path);
    const limited = await adapter.edit!(remote, postOf(CORRECTED), context());
    expect(limited).toMatchObject({ kind: 'retry', rateLimited: true, reason: 'Mastodon HTTP 429: Too many requests' });
    expect(limited.kind === 'retry' && limited.afterMs).toBeGreaterThan(50_000);

    expect(await adapter.edit!(remote, postOf('x'.repeat(501)), context())).toEqual({
      kind: 'permanent',
      reason: 'Mastodon HTTP 422: Validation failed: Text character limit of 500 exceeded',
    });

    const controller = new AbortController();
    mastodon.respondNext(() => {
      controller.abort(new Error('edit timed out'));
      return 'hang';
    }, path);
    expect(await adapter.edit!(remote, postOf(CORRECTED), context({ signal: controller.signal }))).toEqual({ kind: 'retry', reason: 'Mastodon: edit timed out' });
    expect(mastodon.edits).toEqual([]);
  });
});

describe('mastodon adapter: fitting (property)', () => {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('Kazakhstan', 'reform', 'the', 'U.S.', ' ', ' ', '. ', ', ', 'Mr. Tokayev') },
    { weight: 2, arbitrary: fc.constantFrom('Қазақстан', '中文', 'الأخبار', 'क्षत्रिय', 'e\u0301', '😀', '👨‍👩‍👧‍👦', '🇰🇿', '👍🏽') },
    { weight: 2, arbitrary: fc.constantFrom('@everyone', '@bob@mastodon.social', '<b>', '&amp;', '*', '_', '#1', ' https://gov.kz/a ', '(https://x.kz)', ' gemini://a.co ') },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
  );
  const text = (max: number) => fc.array(piece, { maxLength: max }).map((p) => p.join('').replace(/\s+/g, ' ').trim());
  const articleArb = fc.record({
    title: text(80),
    summary: text(300),
    categories: fc.array(text(3), { maxLength: 15 }),
    slug: fc.stringMatching(/^[a-z0-9-]{1,120}$/),
    spoiler: fc.option(text(6).filter((s) => s.length > 0), { nil: undefined }),
    maxCharacters: fc.constantFrom(500, 180, 1000),
  });

  it('every rendered status fits as Mastodon counts it (URL weight 23) and keeps the link', async () => {
    const adapters = new Map<string, Awaited<ReturnType<typeof mastodonAdapter.create>>>();
    await fc.assert(
      fc.asyncProperty(articleArb, async (a) => {
        const channel = channelFor({ apiRoot: instanceUrl, maxCharacters: a.maxCharacters, ...(a.spoiler !== undefined && { spoilerText: a.spoiler }) });
        const key = `${a.maxCharacters}|${a.spoiler}`;
        const adapter = adapters.get(key) ?? (await mastodonAdapter.create(channel, onlineContext()));
        adapters.set(key, adapter);
        const rendered = renderPost(
          { ...article, title: a.title, summary: a.summary, categories: a.categories, link: `https://astanatimes.com/2024/05/${a.slug}/` },
          channel,
          adapter.rules,
        );
        if (!rendered.ok) throw new Error(rendered.reason);
        const post = rendered.post;
        expect(post.text).toContain(post.link);
        expect(mastodonCountedLength(post.text, a.spoiler ?? '', 23)).toBeLessThanOrEqual(a.maxCharacters);
        expect(post.lengths[0]!.length).toBeLessThanOrEqual(a.maxCharacters);
      }),
      { numRuns: 300 },
    );
  });
});
