/**
 * Spacing and daily caps are kept in the store, so they hold across processes: each
 * `herald once` here is a new child process over the same SQLite file, posting to the X
 * fake. Telegram's 20-a-minute limit is checked in process on a store prefilled with
 * twenty recent posts, so the test need not wait out the minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { adapters } from '../../adapters/index.ts';
import { channelSchemaFor, type ChannelConfig } from '../../src/config/schema.ts';
import { DEFAULT_RETRY_POLICY } from '../../src/delivery/backoff.ts';
import { channelRuntimes } from '../../src/delivery/channels.ts';
import { DeliveryWorker } from '../../src/delivery/worker.ts';
import { loadConfig } from '../../src/config/load.ts';
import { configSchema } from '../../src/cli/context.ts';
import type { RenderedPost } from '../../src/platform.ts';
import { makeRedactor } from '../../src/redact.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { ingest, memoryStore } from '../helpers/store.ts';
import { article, feed } from '../helpers/articles.ts';
import { rssFeed } from '../helpers/feed-xml.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';
import { startXFake, type XFake } from '../fakes/x-api.ts';
import { startTelegramFake, type TelegramFake } from '../fakes/telegram-api.ts';

const KEYS = {
  appKey: 'pacingAppKey7Qx1Wd',
  appSecret: 'pacingAppSecret9Zp2',
  accessToken: '1234567-pacingAccessToken3Lm',
  accessSecret: 'pacingAccessSecret4Rt',
};
const env = { X_APP_KEY: KEYS.appKey, X_APP_SECRET: KEYS.appSecret, X_ACCESS_TOKEN: KEYS.accessToken, X_ACCESS_SECRET: KEYS.accessSecret };
const BOT_TOKEN = '123456789:pacing-restart-bot-token';
const HOUR = 3_600_000;
/** How `when` shows an hour ahead, a few seconds after it was set. */
const AN_HOUR = /^(?:59 min|60 min|1 h)$/;
/** Each case runs two or three child processes, each starting tsx: seconds apiece on a busy machine. */
const CLI_TIMEOUT_MS = 90_000;

let site: HttpFake;
let capped: XFake;
let spaced: XFake;
let telegram: TelegramFake;

beforeAll(async () => {
  [site, capped, spaced, telegram] = await Promise.all([startFake(), startXFake({ keys: KEYS }), startXFake({ keys: KEYS }), startTelegramFake(BOT_TOKEN)]);
  const rss = (items: number[]) => () => ({ headers: { 'content-type': 'application/rss+xml; charset=UTF-8' }, body: rssFeed(items.map((n) => ({ n }))) });
  site.route('GET', '/four/', rss([4, 3, 2, 1]));
  site.route('GET', '/three/', rss([13, 12, 11]));
});
afterAll(async () => {
  await Promise.all([site.close(), capped.close(), spaced.close(), telegram.close()]);
});

function config(feedPath: string, x: XFake, pacing: string): ReturnType<typeof workspace> {
  return workspace(`
store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}${feedPath}
    backfill: 10
channels:
  - id: x-main
    platform: x
    ${pacing}
    apiRoot: ${x.url}
    auth: { appKey: "\${X_APP_KEY}", appSecret: "\${X_APP_SECRET}", accessToken: "\${X_ACCESS_TOKEN}", accessSecret: "\${X_ACCESS_SECRET}" }
`);
}

const stories = (x: XFake) => x.tweets.map((t) => Number(t.text.match(/story-(\d+)/)?.[1]));

/** The instant in "x-main: next due 2026-…Z (in 24 h)", checked to be `ahead` from now within a minute and shown as `span`. */
function expectNextDue(stdout: string, ahead: number, span: RegExp): number {
  const m = /x-main(?: \(x\))?: (?:\d+ queued, )?next due (\S+) \(in ([^)]+)\)/.exec(stdout);
  expect(m, stdout).not.toBeNull();
  expect(m![2]).toMatch(span);
  const due = Date.parse(m![1]!);
  expect(Math.abs(due - (Date.now() + ahead))).toBeLessThan(60_000);
  return due;
}

// Two chains of child processes, each with its own store and X fake: run side by side.
describe.concurrent('pacing kept across processes (herald once, X fake)', () => {
  it('maxPerDay 2 with 4 new articles: the oldest posted, the quota left paced over the rest of the day, also for the next process', async () => {
    const ws = config('/four/', capped, 'maxPerDay: 2');
    const first = await herald(['once', '--config', ws.config], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(stories(capped)).toEqual([1]);
    expect(first.stdout).toMatch(/feed astanatimes: 4 items, 4 new, 4 queued/);
    expect(first.stdout).toMatch(/done: 1 sent\n/);
    expect(first.stdout).toMatch(/queued for later:\n {2}x-main: next due/);
    // One post left in the quota for the rest of the (UTC) day: it waits half of what remains.
    const now = Date.now();
    const midnight = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate() + 1);
    const due = expectNextDue(first.stdout, (midnight - now) / 2, /./);

    const second = await herald(['once', '--config', ws.config], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/done: nothing to send\n/);
    expect(expectNextDue(second.stdout, (midnight - now) / 2, /./)).toBe(due);
    expect(stories(capped)).toEqual([1]);

    const store = SqliteStore.open(ws.store);
    try {
      expect((await store.deliveries({ states: ['pending'] })).map((d) => [d.article.link.match(/story-(\d+)/)?.[1], d.attempts])).toEqual([
        ['4', 0],
        ['3', 0],
        ['2', 0],
      ]);
    } finally {
      await store.close();
    }
  }, CLI_TIMEOUT_MS);

  it('minIntervalSeconds 3600: 1 posted; the next process posts none; status shows the next post an hour ahead', async () => {
    const ws = config('/three/', spaced, 'minIntervalSeconds: 3600');
    const first = await herald(['once', '--config', ws.config], { env });
    expect(first.code).toBe(0);
    expect(stories(spaced)).toEqual([11]);
    expect(first.stdout).toMatch(/done: 1 sent\n/);
    const due = expectNextDue(first.stdout, HOUR, AN_HOUR);

    const second = await herald(['once', '--config', ws.config], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/done: nothing to send\n/);
    expect(stories(spaced)).toEqual([11]);
    const store = SqliteStore.open(ws.store);
    try {
      const [runtime] = channelRuntimes(loadConfig(ws.config, configSchema, env).config.channels, adapters, pino({ level: 'silent' }), true);
      const worker = new DeliveryWorker(store, [runtime!], { workerId: 'w', logger: pino({ level: 'silent' }), redact: makeRedactor([]), retry: DEFAULT_RETRY_POLICY, sendTimeoutMs: 10_000 });
      expect(await worker.nextDueAt()).toBe(due);
    } finally {
      await store.close();
    }

    const status = await herald(['status', '--config', ws.config], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('x-main (x): 2 queued, next due');
    expect(expectNextDue(status.stdout, HOUR, AN_HOUR)).toBe(due);
  }, CLI_TIMEOUT_MS);
});

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

function sentPost(text: string): RenderedPost {
  return { layout: 'message', text, lengths: [], shortened: false, link: 'https://astanatimes.com/', title: text, summary: '', hashtags: [] };
}

describe("Telegram's 20 posts a minute, from the store", () => {
  it('with 20 posts in the last minute, the next is due when the oldest leaves the window, then the next oldest', async () => {
    const db = memoryStore();
    const channel = channelSchemaFor(adapters.telegram!).parse({
      id: 'tg-main',
      platform: 'telegram',
      chatId: '@herald_pacing',
      apiRoot: telegram.url,
      auth: { botToken: BOT_TOKEN },
    }) as unknown as ChannelConfig;
    const logger = pino({ level: 'silent' });
    const channels = channelRuntimes([channel], adapters, logger);
    const articles = Array.from({ length: 22 }, (_, i) => article(i + 1, { publishedAt: new Date(NOW - (60 - i) * 60_000).toISOString() }));
    expect((await ingest(db, feed({ backfill: 22 }), articles, ['tg-main'], {}, NOW - 60 * 60_000)).queued).toBe(22);

    // Twenty posts, 2 s apart, the oldest 50 s ago.
    const queue = (await db.deliveries({ channelId: 'tg-main' })).reverse();
    const starts = Array.from({ length: 20 }, (_, i) => NOW - 50_000 + i * 2000);
    for (const [i, d] of queue.slice(0, 20).entries()) {
      const n = (await db.claim(d.id, sentPost(`post ${i}`), { workerId: 'w', now: starts[i]! }))!;
      await db.settle(d.id, n, { state: 'sent', outcome: 'sent', remoteId: String(i) }, starts[i]! + 300);
    }

    let clock = NOW;
    const worker = new DeliveryWorker(db, channels, {
      workerId: 'w',
      logger,
      redact: makeRedactor([BOT_TOKEN]),
      retry: DEFAULT_RETRY_POLICY,
      sendTimeoutMs: 10_000,
      now: () => clock,
    });
    try {
      expect(await worker.nextDueAt()).toBe(starts[0]! + 60_000);
      await worker.drain();
      expect(telegram.messages).toEqual([]);

      clock = starts[0]! + 60_000 - 1;
      await worker.drain();
      expect(telegram.messages).toEqual([]);

      clock = starts[0]! + 60_000;
      await worker.drain();
      expect(telegram.messages.map((m) => m.text.match(/story-(\d+)/)?.[1])).toEqual(['21']);
      // Twenty in the window again: the next place opens when the second-oldest leaves it.
      expect(await worker.nextDueAt()).toBe(starts[1]! + 60_000);
      clock = starts[1]! + 60_000;
      await worker.drain();
      expect(telegram.messages.map((m) => m.text.match(/story-(\d+)/)?.[1])).toEqual(['21', '22']);
      expect(await worker.nextDueAt()).toBeUndefined();
    } finally {
      await Promise.all(channels.map((c) => c.close()));
      await db.close();
    }
  });
});
