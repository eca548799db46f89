/**
 * The editor's controls end to end, on a clock the test moves: a feed on a loopback server is
 * polled into a real SQLite file store, and the delivery worker posts to the Telegram fake
 * within the channel's hours, quota, priorities, expiry and review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { adapters } from '../../adapters/index.ts';
import { configSchema } from '../../src/cli/context.ts';
import { loadConfig } from '../../src/config/load.ts';
import { DEFAULT_RETRY_POLICY } from '../../src/delivery/backoff.ts';
import { channelRuntimes, type ChannelRuntime } from '../../src/delivery/channels.ts';
import { DeliveryWorker } from '../../src/delivery/worker.ts';
import { makeRedactor } from '../../src/redact.ts';
import { pollFeeds } from '../../src/scheduler/cycle.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { rssFeed, type FeedItem } from '../helpers/feed-xml.ts';
import { workspace } from '../helpers/herald-cli.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';
import { startTelegramFake, type TelegramFake } from '../fakes/telegram-api.ts';

const BOT_TOKEN = '123456789:planned-delivery-bot-token';
const MIN = 60_000;
const HOUR = 3_600_000;
const logger = pino({ level: 'silent' });
const redact = makeRedactor([BOT_TOKEN]);

let site: HttpFake;
let telegram: TelegramFake;

beforeAll(async () => {
  [site, telegram] = await Promise.all([startFake(), startTelegramFake(BOT_TOKEN)]);
});
afterAll(async () => {
  await Promise.all([site.close(), telegram.close()]);
});

/** A channel `tg` posting to its own chat, fed by its own feed of `items`, on the test's clock. */
class Newsroom {
  clock: number;
  store: SqliteStore;
  private channels: ChannelRuntime[];
  private worker: DeliveryWorker;
  private readonly ws: ReturnType<typeof workspace>;

  constructor(
    private readonly name: string,
    channelYaml: string,
    items: FeedItem[],
    start: number,
  ) {
    site.route('GET', `/${name}/`, () => ({ headers: { 'content-type': 'application/rss+xml; charset=UTF-8' }, body: rssFeed(items) }));
    this.ws = workspace(`
store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}/${name}/
    backfill: 100
    floodThreshold: 100
channels:
  - id: tg
    platform: telegram
    chatId: "@${name}"
    apiRoot: ${telegram.url}
    auth: { botToken: "${BOT_TOKEN}" }
${channelYaml.trim().replace(/^/gm, '    ')}
`);
    this.clock = start;
    [this.store, this.channels, this.worker] = this.open();
  }

  /** Store, channels and worker as a new process makes them. */
  private open(): [SqliteStore, ChannelRuntime[], DeliveryWorker] {
    const store = SqliteStore.open(this.ws.store);
    const channels = channelRuntimes(this.config().channels, adapters, logger);
    const worker = new DeliveryWorker(store, channels, { workerId: 'w', logger, redact, retry: DEFAULT_RETRY_POLICY, sendTimeoutMs: 10_000, now: () => this.clock });
    return [store, channels, worker];
  }

  private config() {
    return loadConfig(this.ws.config, configSchema, {}).config;
  }

  async poll(): Promise<void> {
    const [result] = await pollFeeds(this.config().feeds, this.channels, this.config().polling, { ledger: this.store, baseDir: this.ws.dir, userAgent: 'herald-test', logger, redact, now: () => this.clock });
    expect(result).toMatchObject({ ok: true, notModified: false });
  }

  /** The worker's loop: send what is due, then sleep until the time it names; ends at `until`, or once `stopAfter` posts are out. */
  async runUntil(until: number, stopAfter = Infinity): Promise<void> {
    for (let turn = 0; turn < 500; turn++) {
      await this.worker.drain();
      if (this.posts().length >= stopAfter) return;
      const next = await this.worker.nextDueAt();
      if (next === undefined || next >= until) {
        this.clock = until;
        return;
      }
      expect(next).toBeGreaterThan(this.clock);
      this.clock = next;
    }
    throw new Error('the worker kept waking without anything to do');
  }

  nextDueAt(): Promise<number | undefined> {
    return this.worker.nextDueAt();
  }

  /** As a process stopping and a new one starting over the same store file. */
  async restart(): Promise<void> {
    await this.close();
    [this.store, this.channels, this.worker] = this.open();
  }

  /** Stories posted to this newsroom's chat, in order. */
  posts(): number[] {
    return telegram.messages.filter((m) => m.chatId === `@${this.name}`).map((m) => storyOf(m.text));
  }

  /** Each delivery's story and state, with its attempts. */
  async deliveries() {
    const all = await this.store.deliveries({ channelId: 'tg' });
    const attempts = await this.store.attempts(all.map((d) => d.id));
    return all.map((d) => ({ id: d.id, story: storyOf(d.article.link), state: d.state, attempts: attempts.get(d.id) ?? [] }));
  }

  async close(): Promise<void> {
    this.worker.stop();
    await Promise.all(this.channels.map((c) => c.close()));
    await this.store.close();
  }
}

const storyOf = (text: string) => Number(/story-(\d+)/.exec(text)![1]);

describe('a 17-a-day channel fed 60 articles of mixed priority (Asia/Almaty, worker and SQLite store)', () => {
  // Monday 1 June 2026; Almaty is UTC+5 all year.
  const opening = Date.parse('2026-06-01T02:00:00Z'); // 07:00 in Almaty
  const closing = Date.parse('2026-06-01T17:00:00Z'); // 22:00 in Almaty
  const kinds: { categories: string[]; priority: number }[] = [
    { categories: ['Breaking'], priority: 10 },
    { categories: ['Nation'], priority: 3 },
    { categories: ['Business'], priority: 1 },
    { categories: ['Sport'], priority: -1 },
    { categories: ['Nation', 'Sport'], priority: 3 },
    { categories: ['Culture'], priority: 0 },
  ];
  const published = (n: number) => Date.parse('2026-06-01T00:00:00Z') + (n - 1) * 2 * MIN;
  const items: FeedItem[] = Array.from({ length: 60 }, (_, i) => ({ n: i + 1, pubDate: new Date(published(i + 1)), categories: kinds[i % kinds.length]!.categories }));
  const priorityOf = (n: number) => kinds[(n - 1) % kinds.length]!.priority;
  const ranked = items.map((it) => it.n).sort((a, b) => priorityOf(b) - priorityOf(a) || a - b);

  it('spends its quota on the top ones, spread over its hours, keeps the plan across a restart, and expires the rest on time', async () => {
    const room = new Newsroom(
      'planned_17',
      `
timezone: Asia/Almaty
postingHours: ["Mon-Fri 07:00-22:00", "Sat,Sun 09:00-21:00"]
maxPerDay: 17
minIntervalSeconds: 120
maxAgeHours: 16
priority:
  categories: { Breaking: 10, Nation: 3, Business: 1, Sport: -1 }
`,
      items,
      opening - 30 * MIN,
    );
    try {
      await room.poll();
      expect(await room.nextDueAt()).toBe(opening);

      await room.runUntil(closing, 12);
      const planned = await room.nextDueAt();
      await room.restart();
      expect(await room.nextDueAt()).toBe(planned);
      await room.runUntil(opening + 25 * HOUR);

      expect(room.posts()).toEqual(ranked.slice(0, 17));
      const deliveries = await room.deliveries();
      const sentAt = new Map(deliveries.filter((d) => d.state === 'sent').map((d) => [d.story, d.attempts[0]!.startedAt]));
      const times = room.posts().map((n) => sentAt.get(n)!);
      // The ten urgent ones at once, two minutes apart; the other seven paced in even shares of the rest of the day's hours.
      expect(times.slice(0, 10)).toEqual(times.slice(0, 10).map((_, i) => opening + i * 2 * MIN));
      const share = (closing - times[9]!) / 8;
      for (let k = 10; k < 17; k++) expect(Math.abs(times[k]! - times[k - 1]! - share)).toBeLessThan(1000);
      expect(times.at(-1)!).toBeLessThan(closing);

      // The rest expired, each when it became too old (not when the hours opened again), with no failed attempt.
      const rest = deliveries.filter((d) => !sentAt.has(d.story));
      expect(rest.map((d) => d.story).sort((a, b) => a - b)).toEqual(ranked.slice(17).sort((a, b) => a - b));
      for (const d of rest) {
        expect(d.state).toBe('expired');
        expect(d.attempts.map((a) => [a.outcome, a.startedAt])).toEqual([['expired', published(d.story) + 16 * HOUR + 1]]);
      }
    } finally {
      await room.close();
    }
  });
});

describe('expiry before the posting hours open', () => {
  it('an only article that becomes too old before the hours open expires then, and is never sent', async () => {
    const publishedAt = Date.parse('2026-06-01T02:00:00Z');
    const room = new Newsroom('expires_early', 'postingHours: ["Mon-Sun 07:00-22:00"]\nmaxAgeHours: 2', [{ n: 1, pubDate: new Date(publishedAt) }], publishedAt + HOUR);
    try {
      await room.poll();
      expect(await room.nextDueAt()).toBe(publishedAt + 2 * HOUR + 1);
      await room.runUntil(Date.parse('2026-06-01T08:00:00Z'));
      expect(room.posts()).toEqual([]);
      const [delivery] = await room.deliveries();
      expect(delivery!.state).toBe('expired');
      expect(delivery!.attempts.map((a) => [a.outcome, a.startedAt])).toEqual([['expired', publishedAt + 2 * HOUR + 1]]);
      expect(await room.nextDueAt()).toBeUndefined();
    } finally {
      await room.close();
    }
  });
});

describe('review', () => {
  it('holds every new post until approved; an approved post waits for the hours; a rejected one never goes; one approved too late expires', async () => {
    const evening = Date.parse('2026-06-01T20:00:00Z');
    const items = [1, 2, 3].map((n) => ({ n, pubDate: new Date(evening + (n - 1) * 5 * MIN) }));
    const room = new Newsroom('reviewed', 'review: true\npostingHours: ["Mon-Sun 07:00-22:00"]\nmaxAgeHours: 12', items, evening + HOUR);
    try {
      await room.poll();
      expect((await room.deliveries()).map((d) => [d.story, d.state])).toEqual([
        [3, 'review'],
        [2, 'review'],
        [1, 'review'],
      ]);
      expect(await room.nextDueAt()).toBeUndefined();
      await room.runUntil(evening + 90 * MIN);
      expect(room.posts()).toEqual([]);

      room.clock = Date.parse('2026-06-01T23:00:00Z');
      const id = async (story: number) => (await room.deliveries()).find((d) => d.story === story)!.id;
      expect(await room.store.approve(await id(1), room.clock)).toMatchObject({ code: 'done' });
      expect(await room.store.reject(await id(2), room.clock)).toMatchObject({ code: 'done' });
      const morning = Date.parse('2026-06-02T07:00:00Z');
      expect(await room.nextDueAt()).toBe(morning);
      await room.runUntil(morning + HOUR);
      expect(room.posts()).toEqual([1]);

      // Story 3 was published at 20:10 on Monday: past its 12 hours at 08:10.
      room.clock = Date.parse('2026-06-02T09:00:00Z');
      expect(await room.store.approve(await id(3), room.clock)).toMatchObject({ code: 'done' });
      await room.runUntil(room.clock + HOUR);
      expect(room.posts()).toEqual([1]);
      expect((await room.deliveries()).map((d) => [d.story, d.state])).toEqual([
        [3, 'expired'],
        [2, 'skipped'],
        [1, 'sent'],
      ]);
    } finally {
      await room.close();
    }
  });
});
