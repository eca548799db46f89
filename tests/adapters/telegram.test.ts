import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pino } from 'pino';
import { telegramAdapter } from '../../adapters/telegram.ts';
import type { Article } from '../../src/article.ts';
import { channelSchemaFor } from '../../src/config/schema.ts';
import type { Adapter, RenderedPost } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import { HERALD_USER_AGENT } from '../../src/version.ts';
import { startFake } from '../helpers/http-fake.ts';
import { parseTelegramHtml } from '../helpers/telegram-html.ts';
import { startTelegramFake, telegramError, type TelegramFake } from '../fakes/telegram-api.ts';
import { channelOf, offlineContext, onlineContext, reasonOf, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const TOKEN = '123456789:AAcanary-TelegramToken_x9';
const SECRETS = [TOKEN, encodeURIComponent(TOKEN), TOKEN.split(':')[1]!];
const CHAT = '@astanatimes_test';

function channelFor(raw: Record<string, unknown>) {
  return channelOf(telegramAdapter, { id: 'telegram-main', chatId: CHAT, auth: { botToken: TOKEN }, utm: { source: 'telegram' }, ...raw });
}

const LINK = 'https://astanatimes.com/2024/05/kazakhstan-us-dialogue/?utm_source=telegram&utm_medium=social';
const TEXT =
  '<b><a href="https://astanatimes.com/2024/05/kazakhstan-us-dialogue/?utm_source=telegram&amp;utm_medium=social">Kazakhstan, US Maintain Dialogue</a></b>\n\n' +
  'Erzhan Kazykhan &amp; Uzra Zeya co-chaired the meeting.\n\n' +
  '<a href="https://astanatimes.com/2024/05/kazakhstan-us-dialogue/?utm_source=telegram&amp;utm_medium=social">https://astanatimes.com/2024/05/kazakhstan-us-dialogue/?utm_source=telegram&amp;utm_medium=social</a>\n#HumanRights';

function postOf(layout: 'photo' | 'message', extra: Partial<RenderedPost> = {}): RenderedPost {
  return renderedPost({ layout, text: TEXT, link: LINK, ...extra });
}

const article: Article = {
  id: 'https://astanatimes.com/?p=98765',
  feedId: 'astanatimes',
  link: 'https://astanatimes.com/2024/05/kazakhstan-us-maintain-constructive-dialogue-on-human-rights-democratic-reforms/',
  linkKey: 'https://astanatimes.com/2024/05/kazakhstan-us-maintain-constructive-dialogue-on-human-rights-democratic-reforms',
  title: 'Kazakhstan, US Maintain Constructive Dialogue on Human Rights, Democratic Reforms',
  summary:
    'ASTANA – Assistant to the President of Kazakhstan for International Affairs Erzhan Kazykhan and U.S. Under Secretary of State for Civilian Security, Democracy, and Human Rights Uzra Zeya co-chaired the third meeting of the annual High-Level Dialogue on Human Rights and Democratic Reforms between Kazakhstan and the United States on May 20, reported the Foreign Ministry’s press service.',
  categories: ['Nation', 'Human Rights'],
  author: 'Staff Report',
  publishedAt: '2024-05-22T09:15:00Z',
  imageUrl: 'https://astanatimes.com/wp-content/uploads/2024/05/dialogue.jpg',
};

/** A 1×1 transparent PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

function sendRequests(fake: TelegramFake) {
  return fake.fake.requests.map((r) => [r.path.replace(TOKEN, '<token>'), r.json]);
}

describe('telegram-html validator (test helper)', () => {
  it('gives the visible text and the links of valid markup', () => {
    expect(parseTelegramHtml('<b><a href="https://a.kz/?x=1&amp;y=&quot;2&quot;">A &lt;b&gt; &amp; &#128512;&#x41;</a></b>\n<tg-spoiler>s</tg-spoiler>')).toEqual({
      ok: true,
      text: 'A <b> & 😀A\ns',
      links: ['https://a.kz/?x=1&y="2"'],
    });
  });

  it.each([
    ['raw &', 'a & b'],
    ['unsupported entity', 'a&nbsp;b'],
    ['raw <', 'a < b'],
    ['raw >', 'a > b'],
    ['unknown tag', '<script>x</script>'],
    ['unclosed tag', '<b>x'],
    ['misnested', '<b><i>x</b></i>'],
    ['stray end tag', 'x</b>'],
    ['a without href', '<a>x</a>'],
    ['a inside a', '<a href="u"><a href="v">x</a></a>'],
    ['span without the spoiler class', '<span>x</span>'],
    ['raw < in an attribute', '<a href="a<b">x</a>'],
    ['unquoted attribute', '<a href=u>x</a>'],
    ['unknown attribute', '<b class="x">y</b>'],
  ])('rejects %s', (_, html) => {
    expect(parseTelegramHtml(html).ok).toBe(false);
  });
});

describe('telegram adapter: config and rules', () => {
  it('defaults: link preview on, not silent', () => {
    const channel = channelFor({});
    expect([channel.chatId, channel.linkPreview, channel.silent]).toEqual([CHAT, true, false]);
  });

  it.each([
    [-1001234567890, -1001234567890],
    ['-1001234567890', '-1001234567890'],
    ['@astana_times', '@astana_times'],
  ])('keeps chatId %j as given', (chatId, expected) => {
    expect(channelFor({ chatId }).chatId).toBe(expected);
  });

  it.each([['astanatimes'], ['@ab'], ['https://t.me/astanatimes']])('refuses chatId %j, saying what to use', (chatId) => {
    const result = channelSchemaFor(telegramAdapter).safeParse({ id: 't', platform: 'telegram', chatId, auth: { botToken: TOKEN } });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([
      'chatId',
      'use "@channelname" or the numeric chat id (e.g. -1001234567890)',
    ]);
  });

  it('refuses a malformed bot token without echoing it', () => {
    const result = channelSchemaFor(telegramAdapter).safeParse({ id: 't', platform: 'telegram', chatId: CHAT, auth: { botToken: 'secret-ish' } });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['auth.botToken']);
    expect(JSON.stringify(result.error?.issues.map((i) => i.message))).not.toContain('secret-ish');
  });

  it('declares photo (1024, needs an image) then message (4096), counted in UTF-16 after entity parsing', async () => {
    const { rules } = await telegramAdapter.create(channelFor({}), offlineContext());
    expect(rules.layouts.map((l) => [l.name, !!l.needsImage, l.budgets.map((b) => [b.unit, b.limit])])).toEqual([
      ['photo', true, [['UTF-16', 1024]]],
      ['message', false, [['UTF-16', 4096]]],
    ]);
    expect(rules.defaultTemplate).toBe('{title}\n\n{summary}\n\n{link}\n{hashtags}');
    const parsed = parseTelegramHtml(TEXT);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(rules.layouts.map((l) => l.budgets[0]!.count(TEXT))).toEqual([parsed.text.length, parsed.text.length]);
    expect(telegramAdapter.inDoubt).toBe('hold');
    expect(telegramAdapter.pacing).toEqual({ windows: [{ limit: 20, seconds: 60 }], minIntervalSeconds: 1 });
  });

  it('escapes everything and links the bold title and the link to the article', async () => {
    const { rules } = await telegramAdapter.create(channelFor({}), offlineContext());
    const link = 'https://astanatimes.com/a/?q="x"&r=<1>';
    const html = rules.format!(
      [
        { kind: 'title', text: '<i>Tokayev</i> & "reforms"' },
        { kind: 'literal', text: '\n\n' },
        { kind: 'summary', text: 'a < b > c & d' },
        { kind: 'literal', text: '\n\n' },
        { kind: 'link', text: link },
      ],
      { link },
    );
    const href = 'https://astanatimes.com/a/?q=&quot;x&quot;&amp;r=&lt;1&gt;';
    expect(html).toBe(
      `<b><a href="${href}">&lt;i&gt;Tokayev&lt;/i&gt; &amp; "reforms"</a></b>\n\na &lt; b &gt; c &amp; d\n\n<a href="${href}">https://astanatimes.com/a/?q="x"&amp;r=&lt;1&gt;</a>`,
    );
    expect(parseTelegramHtml(html)).toEqual({
      ok: true,
      text: `<i>Tokayev</i> & "reforms"\n\na < b > c & d\n\n${link}`,
      links: [link, link],
    });
  });

  it('adds the link when the template shows neither title nor link', async () => {
    const { rules } = await telegramAdapter.create(channelFor({}), offlineContext());
    expect(rules.format!([{ kind: 'summary', text: 'Lead.' }], { link: LINK })).toBe(
      `Lead.\n\n<a href="${LINK.replace('&', '&amp;')}">https://astanatimes.com/2024/05/kazakhstan-us-dialogue/</a>`,
    );
  });

  it('shows the link without its UTM tags, which the target keeps', async () => {
    const { rules } = await telegramAdapter.create(channelFor({}), offlineContext());
    const link = 'https://astanatimes.com/2024/05/story/?p=7&utm_source=telegram&utm_medium=social#top';
    expect(rules.format!([{ kind: 'link', text: link }], { link })).toBe(
      `<a href="${link.replaceAll('&', '&amp;')}">https://astanatimes.com/2024/05/story/?p=7#top</a>`,
    );
  });
});

describe('telegram adapter: sending through telegraf to the Bot API fake', () => {
  let fake: TelegramFake;
  let adapter: Adapter;
  let warnings: { msg: string; reason: string }[];

  beforeEach(async () => {
    fake = await startTelegramFake(TOKEN);
    fake.fake.route('GET', '/images/dialogue.png', () => ({ headers: { 'content-type': 'image/png' }, body: PNG }));
    fake.fake.route('GET', '/images/page.html', () => ({ headers: { 'content-type': 'text/html' }, body: '<html></html>' }));
    warnings = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as { msg: string; reason: string }) });
    adapter = await telegramAdapter.create(channelFor({ apiRoot: fake.url }), { logger, offline: false });
  });

  afterEach(async () => {
    await fake.close();
  });

  it('message layout: sendMessage in HTML with the link preview, and the t.me URL', async () => {
    const result = await adapter.send(postOf('message'), sendContext());
    expect(result).toEqual({ kind: 'sent', remoteId: '101', url: 'https://t.me/astanatimes_test/101' });
    expect(sendRequests(fake)).toEqual([
      [
        '/bot<token>/sendMessage',
        {
          chat_id: CHAT,
          text: TEXT,
          parse_mode: 'HTML',
          disable_notification: false,
          link_preview_options: { url: LINK, is_disabled: false },
        },
      ],
    ]);
    expect(fake.messages).toEqual([{ method: 'sendMessage', chatId: CHAT, text: TEXT, parseMode: 'HTML', messageId: 101 }]);
  });

  it('photo layout: sendPhoto with the caption', async () => {
    const imageUrl = `${fake.url}/images/dialogue.png`;
    const result = await adapter.send(postOf('photo', { imageUrl }), sendContext());
    expect(result).toEqual({ kind: 'sent', remoteId: '101', url: 'https://t.me/astanatimes_test/101' });
    expect(sendRequests(fake).filter(([path]) => String(path).startsWith('/bot'))).toEqual([
      ['/bot<token>/sendPhoto', { chat_id: CHAT, photo: imageUrl, caption: TEXT, parse_mode: 'HTML', disable_notification: false }],
    ]);
    expect(fake.messages.map((m) => [m.method, m.photo, m.text])).toEqual([['sendPhoto', imageUrl, TEXT]]);
  });

  it.each([
    ['cannot fetch the image', '/images/missing.png', 'Bad Request: failed to get HTTP URL content'],
    ['the URL is not an image', '/images/page.html', 'Bad Request: wrong type of the web page content'],
  ])('photo Telegram %s: the same text goes out as a message', async (_, path, description) => {
    const result = await adapter.send(postOf('photo', { imageUrl: `${fake.url}${path}` }), sendContext());
    expect(result).toEqual({ kind: 'sent', remoteId: '101', url: 'https://t.me/astanatimes_test/101' });
    expect(fake.messages).toEqual([{ method: 'sendMessage', chatId: CHAT, text: TEXT, parseMode: 'HTML', messageId: 101 }]);
    expect(fake.fake.requests.filter((r) => r.path.startsWith('/bot')).map((r) => r.path.split('/').pop())).toEqual(['sendPhoto', 'sendMessage']);
    expect(warnings.map((w) => [w.msg, w.reason])).toEqual([['Telegram could not use the image; sending the text alone', description]]);
  });

  it('a photo refused for another reason is not resent as a message', async () => {
    fake.respondNext(() => telegramError(400, 'Bad Request: chat not found'));
    expect(await adapter.send(postOf('photo', { imageUrl: `${fake.url}/images/dialogue.png` }), sendContext())).toEqual({
      kind: 'permanent',
      reason: 'Telegram refused the post (400): Bad Request: chat not found',
    });
    expect(fake.fake.requests.filter((r) => r.path.startsWith('/bot'))).toHaveLength(1);
  });

  it('options: silent, no preview; a numeric chat has no public URL', async () => {
    const quiet = await telegramAdapter.create(
      channelFor({ apiRoot: fake.url, chatId: -1001234567890, silent: true, linkPreview: false }),
      onlineContext(),
    );
    expect(await quiet.send(postOf('message'), sendContext())).toEqual({ kind: 'sent', remoteId: '101' });
    expect(fake.fake.requests[0]!.json).toEqual({
      chat_id: -1001234567890,
      text: TEXT,
      parse_mode: 'HTML',
      disable_notification: true,
      link_preview_options: { url: LINK, is_disabled: true },
    });
  });

  it('429: retries after parameters.retry_after', async () => {
    fake.respondNext(() => telegramError(429, 'Too Many Requests: retry after 17', { retry_after: 17 }));
    expect(await adapter.send(postOf('message'), sendContext())).toEqual({
      kind: 'retry',
      rateLimited: true,
      afterMs: 17_000,
      reason: 'Telegram rate limit reached: Too Many Requests: retry after 17',
    });
  });

  it('400 is permanent with Telegram\'s description', async () => {
    fake.respondNext(() => telegramError(400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3"));
    expect(await adapter.send(postOf('message'), sendContext())).toEqual({
      kind: 'permanent',
      reason: 'Telegram refused the post (400): Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 3',
    });
  });

  it('400 for a group that became a supergroup says which chatId to use', async () => {
    fake.respondNext(() =>
      telegramError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1009876543210 }),
    );
    expect(await adapter.send(postOf('message'), sendContext())).toEqual({
      kind: 'permanent',
      reason: 'Telegram refused the post (400): Bad Request: group chat was upgraded to a supergroup chat; set chatId to -1009876543210',
    });
  });

  it('401: a token Telegram does not know is an auth failure', async () => {
    const stranger = await telegramAdapter.create(channelFor({ apiRoot: fake.url, auth: { botToken: '987654321:AAsomeOtherBot' } }), onlineContext());
    expect(await stranger.send(postOf('message'), sendContext())).toEqual({
      kind: 'auth',
      reason: 'Telegram refused the bot token (401: Unauthorized); check auth.botToken and apiRoot',
    });
    expect(fake.messages).toEqual([]);
  });

  it.each([['Forbidden: bot was kicked from the channel chat'], ['Forbidden: bot is not a member of the channel chat'], ['Forbidden: not enough rights to send text messages to the chat']])(
    '403 "%s" pauses the channel (auth)',
    async (description) => {
      fake.respondNext(() => telegramError(403, description));
      expect(await adapter.send(postOf('message'), sendContext())).toEqual({
        kind: 'auth',
        reason: `Telegram refused to post in ${CHAT} (${description}); make the bot an administrator of the chat allowed to post messages`,
      });
    },
  );

  it('5xx is retried', async () => {
    fake.respondNext(() => ({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' }));
    expect(await adapter.send(postOf('message'), sendContext())).toEqual({ kind: 'retry', reason: 'Telegram failed (502: Bad Gateway)' });
  });

  it('no answer before the send is abandoned: in doubt', async () => {
    fake.respondNext(() => 'hang');
    expect(await adapter.send(postOf('message'), sendContext({ signal: AbortSignal.timeout(200) }))).toEqual({
      kind: 'in-doubt',
      reason: 'Telegram did not answer before the send was abandoned; the post may have been published',
    });
  });

  it('an answer that is not the Bot API\'s: in doubt, the token scrubbed from the URL in the error', async () => {
    fake.respondNext(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>captive portal</html>' }));
    const result = await adapter.send(postOf('message'), sendContext());
    expect(result.kind).toBe('in-doubt');
    const reason = (result as { reason: string }).reason;
    expect(reason).toMatch(/^the exchange with Telegram failed after sending: invalid json response body at http:\/\/127\.0\.0\.1:\d+\/bot\[redacted\]\/sendMessage/);
    for (const secret of SECRETS) expect(reason).not.toContain(secret);
  });

  it('a send cancelled before it starts sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await adapter.send(postOf('message'), sendContext({ signal: controller.signal }))).toEqual({
      kind: 'retry',
      reason: 'the send was cancelled before it started',
    });
    expect(fake.fake.requests).toEqual([]);
  });
});

describe('telegram adapter: reaching the Bot API', () => {
  it('connection refused (nothing sent) is retried', async () => {
    const gone = await startFake();
    await gone.close();
    const adapter = await telegramAdapter.create(channelFor({ apiRoot: gone.url }), onlineContext());
    const result = await adapter.send(postOf('message'), sendContext());
    expect(result.kind).toBe('retry');
    const reason = (result as { reason: string }).reason;
    expect(reason).toMatch(new RegExp(`^Telegram could not be reached at ${gone.url}/: .*ECONNREFUSED`));
    for (const secret of SECRETS) expect(reason).not.toContain(secret);
  });

  it('an apiRoot with a path (a self-hosted Bot API server behind a proxy) needs no trailing slash', async () => {
    const proxy = await startFake();
    proxy.route('POST', `/tg/bot${TOKEN}/sendMessage`, () => ({
      body: { ok: true, result: { message_id: 7, chat: { id: -100, type: 'channel', title: 'T', username: 'astanatimes_test' }, date: 0, text: 'x' } },
    }));
    const adapter = await telegramAdapter.create(channelFor({ apiRoot: `${proxy.url}/tg` }), onlineContext());
    expect(await adapter.send(postOf('message'), sendContext())).toEqual({ kind: 'sent', remoteId: '7', url: 'https://t.me/astanatimes_test/7' });
    await proxy.close();
  });
});

describe('telegram adapter: the bot token never appears in a result', () => {
  it('not in any reason, whatever Telegram or the network says', async () => {
    const fake = await startTelegramFake(TOKEN);
    const adapter = await telegramAdapter.create(channelFor({ apiRoot: fake.url }), onlineContext());
    fake.respondNext((req) => telegramError(400, `Bad Request: echo ${TOKEN} ${encodeURIComponent(TOKEN)} ${req.url}`));
    fake.respondNext((req) => telegramError(403, `Forbidden: ${req.url}`));
    fake.respondNext((req) => telegramError(429, `Too Many Requests ${req.url}`, { retry_after: 3 }));
    fake.respondNext((req) => ({ status: 500, body: `Internal ${req.url}` }));
    fake.respondNext(() => 'hang');
    const results = [
      await adapter.send(postOf('message'), sendContext()),
      await adapter.send(postOf('message'), sendContext()),
      await adapter.send(postOf('message'), sendContext()),
      await adapter.send(postOf('message'), sendContext()),
      await adapter.send(postOf('message'), sendContext({ signal: AbortSignal.timeout(200) })),
    ];
    expect(results.map((r) => r.kind)).toEqual(['permanent', 'auth', 'retry', 'retry', 'in-doubt']);
    const reasons = results.map(reasonOf);
    expect(reasons[0]).toContain('Bad Request: echo [redacted] [redacted] /bot[redacted]/sendMessage');
    for (const reason of reasons) for (const secret of SECRETS) expect(reason).not.toContain(secret);
    await fake.close();
  });
});

describe('telegram adapter: every rendered post is valid Telegram HTML that fits', () => {
  const tricky = fc.constantFrom(
    '<b>bold</b>',
    '<a href="x">',
    '&amp;',
    '&nbsp;',
    '&',
    '<',
    '>',
    '"',
    "'",
    '</i>',
    '<!-- c -->',
    'Қазақстан',
    '哈萨克斯坦',
    'كازاخستان',
    '👨‍👩‍👧‍👦',
    '🇰🇿',
    '🧕🏾',
    'e\u0301',
    '\u200D',
    '#Astana',
  );
  const words = fc.array(fc.oneof(tricky, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 15 })), { minLength: 1, maxLength: 400 });
  const phrase = words.map((w) => w.join(' '));
  const slug = fc.array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 14 }).map((w) => w.join('-'));
  const articleArb = fc.record({
    title: words.map((w) => w.slice(0, 40).join(' ')),
    summary: fc.oneof(fc.constant(''), phrase),
    categories: fc.array(fc.oneof(tricky, fc.string({ unit: 'grapheme', maxLength: 20 })), { maxLength: 25 }),
    link: fc
      .tuple(fc.constantFrom('https://astanatimes.com', 'https://astanatimes.com/?p=1&x="y"'), slug)
      .map(([base, s]) => (base.includes('?') ? `${base}&s=${s}` : `${base}/2024/05/${s}/`)),
    imageUrl: fc.option(fc.constant('https://astanatimes.com/wp-content/uploads/2024/05/dialogue.jpg'), { nil: undefined }),
  });

  it('validates, stays within its layout\'s limit as Telegram counts, and links the article', async () => {
    const channel = channelFor({ hashtags: { max: 6 } });
    const { rules } = await telegramAdapter.create(channel, offlineContext());
    fc.assert(
      fc.property(articleArb, (a) => {
        const { imageUrl, ...rest } = a;
        const outcome = renderPost({ ...article, ...rest, imageUrl, id: a.link, linkKey: a.link }, channel, rules);
        if (!outcome.ok) throw new Error(outcome.reason);
        const { post } = outcome;
        const parsed = parseTelegramHtml(post.text);
        if (!parsed.ok) throw new Error(`${parsed.error} in ${JSON.stringify(post.text)}`);
        const limit = post.layout === 'photo' ? 1024 : 4096;
        expect(post.layout === 'photo').toBe(imageUrl !== undefined && parsed.text.length <= 1024);
        expect(post.lengths).toEqual([{ unit: 'UTF-16', length: parsed.text.length, limit }]);
        expect(parsed.text.length).toBeLessThanOrEqual(limit);
        expect(parsed.links).toContain(post.link);
        expect(parsed.text).toContain(post.link.replace(/[?&]utm_.*$/, ''));
      }),
      { numRuns: 150 },
    );
  });

  it('and the Bot API fake accepts them', async () => {
    const fake = await startTelegramFake(TOKEN);
    const channel = channelFor({ apiRoot: fake.url, hashtags: { max: 6 } });
    const adapter = await telegramAdapter.create(channel, onlineContext());
    await fc.assert(
      fc.asyncProperty(articleArb, async (a) => {
        const outcome = renderPost({ ...article, ...a, id: a.link, linkKey: a.link }, channel, adapter.rules);
        if (!outcome.ok) throw new Error(outcome.reason);
        expect(await adapter.send(outcome.post, sendContext())).toMatchObject({ kind: 'sent' });
      }),
      { numRuns: 25 },
    );
    expect(fake.messages).toHaveLength(25);
    await fake.close();
  });
});

describe('telegram adapter: editing a published post through telegraf', () => {
  let fake: TelegramFake;
  let adapter: Adapter;
  const CORRECTED = TEXT.replace('Maintain Dialogue', 'Maintain Constructive Dialogue');

  beforeEach(async () => {
    fake = await startTelegramFake(TOKEN);
    fake.fake.route('GET', '/images/dialogue.png', () => ({ headers: { 'content-type': 'image/png' }, body: PNG }));
    adapter = await telegramAdapter.create(channelFor({ apiRoot: fake.url }), onlineContext());
  });

  afterEach(async () => {
    await fake.close();
  });

  async function published(post: RenderedPost) {
    const sent = await adapter.send(post, sendContext());
    if (sent.kind !== 'sent') throw new Error(`not sent: ${JSON.stringify(sent)}`);
    fake.fake.requests.length = 0;
    return { remoteId: sent.remoteId, remoteUrl: sent.url };
  }

  function editRequests() {
    return fake.fake.requests.filter((r) => r.path.startsWith('/bot')).map((r) => [r.path.replace(TOKEN, '<token>'), r.json]);
  }

  it("names Herald in the User-Agent of sends and edits alike (telegraf's node-fetch would name itself)", async () => {
    const sent = await adapter.send(postOf('message'), sendContext());
    if (sent.kind !== 'sent') throw new Error(`not sent: ${JSON.stringify(sent)}`);
    await adapter.edit!({ remoteId: sent.remoteId }, postOf('message', { text: CORRECTED }), sendContext());
    const calls = fake.fake.requests.filter((r) => r.path.startsWith('/bot'));
    expect(calls.map((r) => [r.path.split('/').at(-1), r.headers['user-agent']])).toEqual([
      ['sendMessage', HERALD_USER_AGENT],
      ['editMessageText', HERALD_USER_AGENT],
    ]);
  });

  it('declares that it can edit, with no time limit', () => {
    expect(telegramAdapter.edit).toEqual({});
  });

  it('message layout: editMessageText of that message, in HTML with the same link preview', async () => {
    const remote = await published(postOf('message'));
    expect(await adapter.edit!(remote, postOf('message', { text: CORRECTED }), sendContext())).toEqual({ kind: 'edited' });
    expect(editRequests()).toEqual([
      [
        '/bot<token>/editMessageText',
        { chat_id: CHAT, message_id: 101, parse_mode: 'HTML', text: CORRECTED, link_preview_options: { url: LINK, is_disabled: false } },
      ],
    ]);
    expect(fake.edits).toEqual([{ method: 'editMessageText', chatId: CHAT, messageId: 101, text: CORRECTED }]);
    expect(fake.messages.map((m) => [m.method, m.text])).toEqual([['sendMessage', CORRECTED]]);
  });

  it('photo layout: editMessageCaption, so the photo post stays a photo post', async () => {
    const imageUrl = `${fake.url}/images/dialogue.png`;
    const remote = await published(postOf('photo', { imageUrl }));
    expect(await adapter.edit!(remote, postOf('photo', { imageUrl, text: CORRECTED }), sendContext())).toEqual({ kind: 'edited' });
    expect(editRequests()).toEqual([['/bot<token>/editMessageCaption', { chat_id: CHAT, message_id: 101, parse_mode: 'HTML', caption: CORRECTED }]]);
    expect(fake.messages.map((m) => [m.method, m.photo, m.text])).toEqual([['sendPhoto', imageUrl, CORRECTED]]);
  });

  it('a photo post that went out as a message (the image was unusable) is edited as a message', async () => {
    const imageUrl = `${fake.url}/images/missing.png`;
    const remote = await published(postOf('photo', { imageUrl }));
    expect(await adapter.edit!(remote, postOf('photo', { imageUrl, text: CORRECTED }), sendContext())).toEqual({ kind: 'edited' });
    expect(editRequests().map(([path]) => path)).toEqual(['/bot<token>/editMessageCaption', '/bot<token>/editMessageText']);
    expect(fake.messages.map((m) => [m.method, m.text])).toEqual([['sendMessage', CORRECTED]]);
  });

  it('"message is not modified" is success: the post already shows this text', async () => {
    const remote = await published(postOf('message'));
    expect(await adapter.edit!(remote, postOf('message'), sendContext())).toEqual({
      kind: 'edited',
      detail:
        'Telegram: Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    });
    expect(fake.edits).toEqual([]);
  });

  it('a message deleted by hand is gone, not an error to retry', async () => {
    const remote = await published(postOf('message'));
    fake.deleteMessage(Number(remote.remoteId));
    expect(await adapter.edit!(remote, postOf('message', { text: CORRECTED }), sendContext())).toEqual({
      kind: 'gone',
      reason: 'Telegram: Bad Request: message to edit not found',
    });
  });

  it('429: retried after parameters.retry_after, like a send', async () => {
    const remote = await published(postOf('message'));
    fake.respondNext(() => telegramError(429, 'Too Many Requests: retry after 9', { retry_after: 9 }));
    expect(await adapter.edit!(remote, postOf('message', { text: CORRECTED }), sendContext())).toEqual({
      kind: 'retry',
      rateLimited: true,
      afterMs: 9_000,
      reason: 'Telegram rate limit reached: Too Many Requests: retry after 9',
    });
  });

  it('no answer is a retry, not in doubt: setting the same text again does no harm', async () => {
    const remote = await published(postOf('message'));
    fake.respondNext(() => 'hang');
    expect(await adapter.edit!(remote, postOf('message', { text: CORRECTED }), sendContext({ signal: AbortSignal.timeout(200) }))).toEqual({
      kind: 'retry',
      reason: 'Telegram did not answer before the edit was abandoned',
    });
  });

  it('a refusal that is not about the message is permanent, with Telegram\'s words and no token', async () => {
    const remote = await published(postOf('message'));
    fake.respondNext((req) => telegramError(400, `Bad Request: message can't be edited ${req.url}`));
    const result = await adapter.edit!(remote, postOf('message', { text: CORRECTED }), sendContext());
    expect(result).toEqual({ kind: 'permanent', reason: "Telegram refused the post (400): Bad Request: message can't be edited /bot[redacted]/editMessageText" });
  });
});
