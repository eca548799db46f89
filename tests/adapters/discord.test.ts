import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { discordAdapter, embedFor, escapeMarkdown } from '../../adapters/discord.ts';
import { channelSchemaFor } from '../../src/config/schema.ts';
import type { RenderedPost } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import { CHANNEL_ID, GUILD_ID, WEBHOOK_ID, startDiscordFake, type DiscordFake } from '../fakes/discord-api.ts';
import { channelOf, dialogueArticle, offlineContext, onlineContext, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const TOKEN = 'canary-DiscordWebhookToken_9Qz-3';

let discord: DiscordFake;

function channelFor(raw: Record<string, unknown> = {}) {
  return channelOf(discordAdapter, { id: 'discord-news', apiRoot: discord.url, auth: { webhookUrl: discord.webhookUrl }, utm: { source: 'discord' }, ...raw });
}

const LINK = 'https://astanatimes.com/2024/05/kazakhstan-us-dialogue/?utm_source=discord&utm_medium=social';
const IMAGE = 'https://astanatimes.com/wp-content/uploads/2024/05/dialogue.jpg';

function postOf(overrides: Partial<RenderedPost> = {}): RenderedPost {
  return renderedPost({
    layout: 'message',
    text: `Kazakhstan, US Maintain Dialogue\n<${LINK}>\n#HumanRights`,
    link: LINK,
    title: 'Kazakhstan, US Maintain Dialogue',
    summary: 'ASTANA – The third meeting of the annual dialogue.',
    hashtags: ['#HumanRights'],
    imageUrl: IMAGE,
    publishedAt: '2024-05-22T09:15:00Z',
    ...overrides,
  });
}

const article = dialogueArticle({ publishedAt: '2024-05-22T09:15:00+06:00', imageUrl: IMAGE });

/** The characters Discord reads as markup that are not escaped with a backslash. */
function unescapedMarkup(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if ('*_~`|<>[]'.includes(text[i]!)) found.push(text[i]!);
  }
  return found;
}

beforeEach(async () => {
  discord = await startDiscordFake(TOKEN);
});

afterEach(async () => {
  await discord.close();
});

describe('discord markup', () => {
  it('escapes markdown, masked links, mention syntax, line-start markup and bare URLs', () => {
    expect(escapeMarkdown('*Bold* _it_ ~~s~~ `c` ||sp|| [a](b) <@123> \\')).toBe(
      '\\*Bold\\* \\_it\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|sp\\|\\| \\[a\\](b) \\<@123\\> \\\\',
    );
    expect(escapeMarkdown('# Head\n- item\n1. one\n> quote\n-# small')).toBe('\\# Head\n\\- item\n1\\. one\n\\> quote\n\\-# small');
    expect(escapeMarkdown('see https://evil.example/x')).toBe('see https\\://evil.example/x');
  });

  it('renders the default post: title escaped, link in <…> (no second card), hashtags', async () => {
    const channel = channelFor();
    const adapter = await discordAdapter.create(channel, onlineContext());
    const rendered = renderPost({ ...article, title: '*Breaking*: @everyone <b>reads</b>' }, channel, adapter.rules);
    expect(rendered.ok && rendered.post.text).toBe(`\\*Breaking\\*: @everyone \\<b\\>reads\\</b\\>\n<${LINK}>\n#Nation #HumanRights`);
  });
});

describe('discord adapter', () => {
  it('refuses a URL that is not a webhook, saying where to get one', () => {
    const parsed = channelSchemaFor(discordAdapter).safeParse({ id: 'd', platform: 'discord', auth: { webhookUrl: 'https://discord.com/channels/1/2' } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/^expected a webhook URL like https:\/\/discord.com\/api\/webhooks\/<id>\/<token>/);
  });

  it('counts 2000 characters as code points; offline it contacts nothing', async () => {
    const adapter = await discordAdapter.create(channelFor(), offlineContext());
    const budget = adapter.rules.layouts[0]!.budgets[0]!;
    expect([budget.unit, budget.limit, budget.count('👨‍👩‍👧 ok')]).toEqual(['chars', 2000, 8]);
    expect(discord.fake.requests).toHaveLength(0);
  });

  it('posts content and the card with no mentions allowed, waits for the message and links to it', async () => {
    const adapter = await discordAdapter.create(channelFor({ username: 'Astana Times' }), onlineContext());
    const post = postOf({ title: 'Everyone: @everyone *look*' });
    const result = await adapter.send(post, sendContext());
    expect(discord.posts).toHaveLength(1);
    const message = discord.posts[0]!;
    expect(result).toEqual({ kind: 'sent', remoteId: message.id, url: `https://discord.com/channels/${GUILD_ID}/${CHANNEL_ID}/${message.id}` });
    expect(message.request.method).toBe('POST');
    expect(message.request.url).toBe(`/api/webhooks/${WEBHOOK_ID}/${TOKEN}?wait=true`);
    expect(message.request.headers['content-type']).toBe('application/json');
    expect(message.request.json).toEqual({
      content: post.text,
      embeds: [
        {
          title: 'Everyone: @everyone \\*look\\*',
          url: LINK,
          description: 'ASTANA – The third meeting of the annual dialogue.',
          image: { url: 'https://astanatimes.com/wp-content/uploads/2024/05/dialogue.jpg' },
          timestamp: '2024-05-22T09:15:00.000Z',
        },
      ],
      allowed_mentions: { parse: [] },
      username: 'Astana Times',
    });
    expect(discord.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /api/webhooks/${WEBHOOK_ID}/${TOKEN}`,
      `POST /api/webhooks/${WEBHOOK_ID}/${TOKEN}`,
    ]);
  });

  it('keeps each embed field within its limit, cutting with "…"', () => {
    const embed = embedFor(postOf({ title: `${'Kazakhstan_ '.repeat(40)}end`, summary: 'Word. '.repeat(1000), publishedAt: 'not a date', imageUrl: 'ftp://x/y.jpg' }));
    const chars = (s?: string) => [...(s ?? '')].length;
    expect(chars(embed.title)).toBeLessThanOrEqual(256);
    expect(embed.title).toMatch(/…$/);
    expect(chars(embed.description)).toBeLessThanOrEqual(4096);
    expect(embed.description).toMatch(/Word\.$/);
    expect(Object.keys(embed).sort()).toEqual(['description', 'title', 'url']);
  });

  it("a 429 is a rate-limited retry after Discord's retry_after, else its Retry-After header", async () => {
    const adapter = await discordAdapter.create(channelFor(), onlineContext());
    discord.respondNext(() => ({
      status: 429,
      headers: { 'retry-after': '2', 'x-ratelimit-scope': 'shared' },
      body: { message: 'You are being rate limited.', retry_after: 1.234, global: false },
    }));
    expect(await adapter.send(postOf(), sendContext())).toEqual({
      kind: 'retry',
      reason: 'Discord HTTP 429: You are being rate limited.',
      rateLimited: true,
      afterMs: 1234,
    });
    discord.respondNext(() => ({ status: 429, headers: { 'retry-after': '3' }, body: 'slow down' }));
    expect(await adapter.send(postOf(), sendContext())).toEqual({ kind: 'retry', reason: 'Discord HTTP 429: slow down', rateLimited: true, afterMs: 3000 });
  });

  it("a refused message is permanent with Discord's own message and field errors", async () => {
    const adapter = await discordAdapter.create(channelFor(), onlineContext());
    const result = await adapter.send(postOf({ text: 'x'.repeat(2001) }), sendContext());
    expect(result).toEqual({ kind: 'permanent', reason: 'Discord HTTP 400: Invalid Form Body (50035): content: Must be 2000 or fewer in length.' });
  });

  it('a deleted webhook or a wrong token pauses the channel; the token never appears, even when echoed', async () => {
    const adapter = await discordAdapter.create(channelFor(), onlineContext());
    discord.respondNext((req) => ({ status: 403, body: { message: `Missing Access for ${req.url}`, code: 50001 } }));
    const echoed = await adapter.send(postOf(), sendContext());
    expect(echoed.kind).toBe('auth');
    expect(JSON.stringify(echoed)).not.toContain(TOKEN);

    const wrong = await discordAdapter.create(channelFor({ auth: { webhookUrl: `https://discord.com/api/webhooks/${WEBHOOK_ID}/other-token` } }), onlineContext());
    expect(await wrong.send(postOf(), sendContext())).toEqual({
      kind: 'auth',
      reason: "Discord HTTP 401: Invalid Webhook Token (50027) (check auth.webhookUrl: copy it again from the channel's Integrations → Webhooks)",
    });

    discord.deleteWebhook();
    const deleted = await adapter.send(postOf(), sendContext());
    expect(deleted).toEqual({
      kind: 'auth',
      reason: 'Discord HTTP 404: Unknown Webhook (10015) (the webhook was deleted: create a new one and set auth.webhookUrl)',
    });
    expect(discord.posts).toHaveLength(0);
  });

  it('a send abandoned after Discord received it is in doubt, and held for the operator', async () => {
    const adapter = await discordAdapter.create(channelFor(), onlineContext());
    const controller = new AbortController();
    discord.respondNext(() => {
      controller.abort(new Error('send timed out'));
      return 'hang';
    });
    expect(await adapter.send(postOf(), sendContext({ signal: controller.signal }))).toEqual({ kind: 'in-doubt', reason: 'Discord: send timed out' });
    expect(discordAdapter.inDoubt).toBe('hold');
  });

  it('a server error is retried', async () => {
    const adapter = await discordAdapter.create(channelFor(), onlineContext());
    discord.respondNext(() => ({ status: 503, headers: { 'content-type': 'text/plain' }, body: 'upstream connect error' }));
    expect(await adapter.send(postOf(), sendContext())).toEqual({ kind: 'retry', reason: 'Discord HTTP 503: upstream connect error' });
  });
});

describe('discord adapter: fitting (property)', () => {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('Kazakhstan', 'reform', 'the', 'U.S.', ' ', ' ', '. ', ', ') },
    { weight: 2, arbitrary: fc.constantFrom('Қазақстан', '中文', 'الأخبار', 'e\u0301', '😀', '👨‍👩‍👧‍👦', '🇰🇿', '👍🏽', '𝐀𝐁') },
    { weight: 3, arbitrary: fc.constantFrom('@everyone', '@here', '<@123>', '<b>', '&', '*', '**', '_', '~~', '`', '||', '[x](https://e.vil)', '\\', '# ', '\n- ', '> ', 'https://e.vil/a') },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
  );
  const text = (max: number) => fc.array(piece, { maxLength: max }).map((p) => p.join('').trim());
  const articleArb = fc.record({
    title: fc.oneof(text(60), text(700)),
    summary: fc.oneof(text(200), text(2500)),
    categories: fc.array(text(3), { maxLength: 20 }),
    template: fc.constantFrom(undefined, '{title}\n\n{summary}\n\n{link}\n{hashtags}'),
  });

  it('every message fits 2000 characters, its embed fits Discord’s field limits, markup is escaped and the link kept', async () => {
    const adapter = await discordAdapter.create(channelFor(), onlineContext());
    await fc.assert(
      fc.asyncProperty(articleArb, async (a) => {
        const channel = channelFor(a.template === undefined ? {} : { template: a.template });
        const rendered = renderPost({ ...article, title: a.title, summary: a.summary, categories: a.categories }, channel, adapter.rules);
        if (!rendered.ok) throw new Error(rendered.reason);
        const post = rendered.post;
        expect([...post.text].length).toBeLessThanOrEqual(2000);
        expect(post.text).toContain(`<${post.link}>`);
        expect(unescapedMarkup(post.text.replace(`<${post.link}>`, ''))).toEqual([]);
        const embed = embedFor(post);
        const chars = (s?: string) => [...(s ?? '')].length;
        expect(chars(embed.title)).toBeLessThanOrEqual(256);
        expect(chars(embed.description)).toBeLessThanOrEqual(4096);
        expect(chars(embed.title) + chars(embed.description)).toBeLessThanOrEqual(6000);
        expect(embed.url).toBe(post.link);
        expect(unescapedMarkup(`${embed.title ?? ''}${embed.description ?? ''}`)).toEqual([]);
        const sent = await adapter.send(post, sendContext());
        expect(sent.kind).toBe('sent');
      }),
      { numRuns: 150 },
    );
  });
});
