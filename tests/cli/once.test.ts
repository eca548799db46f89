import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twttr from 'twitter-text';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { itemLink, rssFeed, type FeedItem } from '../helpers/feed-xml.ts';
import { startXFake, type XFake } from '../fakes/x-api.ts';
import { startTelegramFake, type TelegramFake } from '../fakes/telegram-api.ts';
import { parseTelegramHtml } from '../helpers/telegram-html.ts';

const TOKEN = '123456:canary-telegram-token';
let site: HttpFake;
let x: XFake;
let telegram: TelegramFake;
let items: FeedItem[];
let ws: ReturnType<typeof workspace>;

const env = {
  X_APP_KEY: 'canary-app-key',
  X_APP_SECRET: 'canary-app-secret',
  X_ACCESS_TOKEN: 'canary-access-token',
  X_ACCESS_SECRET: 'canary-access-secret',
  TELEGRAM_BOT_TOKEN: TOKEN,
};

beforeAll(async () => {
  site = await startFake();
  x = await startXFake({ keys: { appKey: env.X_APP_KEY, appSecret: env.X_APP_SECRET, accessToken: env.X_ACCESS_TOKEN, accessSecret: env.X_ACCESS_SECRET } });
  telegram = await startTelegramFake(TOKEN);
  items = [5, 4, 3, 2, 1].map((n) => ({
    n,
    title: n === 4 ? '“New Kazakhstan” & the C5+1: <b>bold</b> reforms by Қасым-Жомарт Тоқаев' : undefined,
    image: n === 5 ? `${site.url}/wp-content/uploads/photo.jpg` : undefined,
  }));
  site.route('GET', '/feed/', () => ({ headers: { 'content-type': 'application/rss+xml; charset=UTF-8' }, body: rssFeed(items) }));
  site.route('GET', '/wp-content/uploads/photo.jpg', () => ({ headers: { 'content-type': 'image/jpeg' }, body: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]) }));
  ws = workspace(`
store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}/feed/
    backfill: 5
channels:
  - id: x-main
    platform: x
    utm: { source: x, medium: social }
    apiRoot: ${x.url}
    auth: { appKey: "\${X_APP_KEY}", appSecret: "\${X_APP_SECRET}", accessToken: "\${X_ACCESS_TOKEN}", accessSecret: "\${X_ACCESS_SECRET}" }
  - id: telegram-main
    platform: telegram
    chatId: "@astanatimes_test"
    apiRoot: ${telegram.url}
    auth: { botToken: "\${TELEGRAM_BOT_TOKEN}" }
`);
});
afterAll(async () => {
  await Promise.all([site.close(), x.close(), telegram.close()]);
});

const once = () => herald(['once', '--config', ws.config], { env });
const linksOf = (texts: string[]) => texts.map((t) => t.match(/story-(\d+)/)?.[1]).sort();

describe('herald once against loopback X and Telegram', () => {
  it('posts every new article exactly once per channel, each post valid by the platform rules', async () => {
    const r = await once();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(linksOf(x.tweets.map((t) => t.text))).toEqual(['1', '2', '3', '4', '5']);
    expect(linksOf(telegram.messages.map((m) => m.text))).toEqual(['1', '2', '3', '4', '5']);
    for (const tweet of x.tweets) {
      const parsed = twttr.parseTweet(tweet.text);
      expect(parsed.valid).toBe(true);
      expect(tweet.text).toMatch(/https:\/\/astanatimes\.com\/2024\/05\/story-\d\/\?utm_source=x&utm_medium=social/);
      expect(tweet.text).not.toMatch(/Photo credit|Get The Astana Times/);
    }
    for (const m of telegram.messages) expect(parseTelegramHtml(m.text)).toMatchObject({ ok: true });
    expect(telegram.messages.find((m) => m.text.includes('story-5'))).toMatchObject({ method: 'sendPhoto' });
    const entity = telegram.messages.find((m) => m.text.includes('story-4'))!;
    // Tags in a feed title are stripped at normalization; what remains is escaped for Telegram.
    expect(entity.text).toContain('“New Kazakhstan” &amp; the C5+1: bold reforms');
    expect(entity.text).toContain('Қасым-Жомарт Тоқаев');
    expect(r.stdout).toMatch(/feed astanatimes: 5 items, 5 new, 5 queued/);
    expect(r.stdout).toMatch(/done: 10 sent/);
  });

  it('a second run, a new process over the same store, posts nothing', async () => {
    const r = await once();
    expect(r.code).toBe(0);
    expect(x.tweets).toHaveLength(5);
    expect(telegram.messages).toHaveLength(5);
    expect(r.stdout).toMatch(/done: nothing to send/);
  });

  it('a changed feed posts only its new items, oldest first', async () => {
    items.unshift({ n: 7 }, { n: 6 });
    const r = await once();
    expect(r.code).toBe(0);
    expect(x.tweets.slice(5).map((t) => t.text.match(/story-(\d+)/)?.[1])).toEqual(['6', '7']);
    expect(telegram.messages.slice(5).map((m) => m.text.match(/story-(\d+)/)?.[1])).toEqual(['6', '7']);
  });

  it('history lists each delivery with its remote URL; status shows the counts; no secret anywhere', async () => {
    const history = await herald(['history', '--config', ws.config, '--limit', '100'], { env });
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/\[x-main\] sent: ".*" → https:\/\/x\.com\/i\/web\/status\/\d+/);
    expect(history.stdout).toMatch(/\[telegram-main\] sent: ".*" → https:\/\/t\.me\/astanatimes_test\/\d+/);
    expect(history.stdout).toContain(itemLink(7));
    const status = await herald(['status', '--config', ws.config], { env });
    expect(status.stdout).toMatch(/Deliveries: 0 held, 0 review, 0 pending, 0 sending, 14 sent, 0 failed, 0 in-doubt, 0 skipped, 0 expired/);
    for (const secret of Object.values(env)) {
      expect(history.stdout + status.stdout).not.toContain(secret);
    }
  });
});
