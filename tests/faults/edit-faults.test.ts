/**
 * Edits (corrections) through the real DeliveryWorker, the real Telegram adapter and its
 * client against the loopback fake, on a real SQLite store: what a post deleted by hand, a
 * "not modified" answer and a rate limit do to an edit; that an edit ignores the channel's
 * spacing, quota and hours but keeps the platform's; and that an edit racing its post's send
 * waits for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { adapters } from '../../adapters/index.ts';
import type { Article } from '../../src/article.ts';
import { channelSchemaFor, type ChannelConfig } from '../../src/config/schema.ts';
import { DEFAULT_RETRY_POLICY } from '../../src/delivery/backoff.ts';
import { channelEditing, channelRuntimes } from '../../src/delivery/channels.ts';
import { DeliveryWorker, type DeliveryEvent } from '../../src/delivery/worker.ts';
import { planIngest } from '../../src/feeds/policy.ts';
import { makeRedactor } from '../../src/redact.ts';
import { startTelegramFake, telegramError, type TelegramFake } from '../fakes/telegram-api.ts';
import { article, feed } from '../helpers/articles.ts';
import { listed, memoryStore } from '../helpers/store.ts';

const BOT_TOKEN = '123456789:edit-faults-bot-token';
/** A Wednesday, 10:00 UTC. */
const T0 = Date.parse('2026-12-02T10:00:00Z');
const story = article(1, { publishedAt: new Date(T0 - 60_000).toISOString(), title: 'Kazakhstan Exports Rise 18%' });
const corrected: Article = { ...story, title: 'Kazakhstan Exports Rise 21%' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

/** A Telegram channel over the fake, the story ingested at T0, and a worker whose clock the test moves. */
async function rig(extra: Record<string, unknown> = {}) {
  const telegram: TelegramFake = await startTelegramFake(BOT_TOKEN);
  const config = channelSchemaFor(adapters.telegram!).parse({
    id: 'tg',
    platform: 'telegram',
    chatId: '@herald_edits',
    apiRoot: telegram.url,
    auth: { botToken: BOT_TOKEN },
    ...extra,
  }) as unknown as ChannelConfig;
  const store = memoryStore();
  const logger = pino({ level: 'silent' });
  const channels = channelRuntimes([config], adapters, logger);
  const clock = { now: T0 };
  const events: DeliveryEvent[] = [];
  const worker = new DeliveryWorker(store, channels, {
    workerId: 'w1',
    logger,
    redact: makeRedactor([BOT_TOKEN]),
    retry: DEFAULT_RETRY_POLICY,
    sendTimeoutMs: 10_000,
    now: () => clock.now,
    onEvent: (e) => events.push(e),
  });
  await store.register({ id: 'w1', host: 'test-host', pid: 1 }, T0);
  cleanups.push(async () => {
    await Promise.all(channels.map((c) => c.close()));
    await store.close();
    await telegram.close();
  });
  /** One poll of a feed listing `version` of the story, at the clock's time. */
  async function poll(version: Article) {
    const f = feed({ backfill: 1 });
    const state = await store.feedState(f.id);
    const known = await store.knownArticles(f.id, [version]);
    const firstPoll = state.firstPolledAt === undefined;
    const { plan } = planIngest({ feed: f, articles: listed([version]), known, firstPoll, channelIds: ['tg'], editing: channelEditing(channels), cache: {}, now: clock.now });
    await store.record(plan);
  }
  const edits = async () => (await store.deliveries({ channelId: 'tg' })).filter((d) => d.kind === 'edit');
  const editAttempts = async () => {
    const [edit] = await edits();
    return (await store.attempts([edit!.id])).get(edit!.id) ?? [];
  };
  return { telegram, store, worker, clock, events, poll, edits, editAttempts };
}

describe('edits through the worker', () => {
  it('a post deleted by hand ends its edit quietly: skipped, one attempt, not retried, nothing failed', async () => {
    const r = await rig();
    await r.poll(story);
    await r.worker.drain();
    r.telegram.deleteMessage(r.telegram.messages[0]!.messageId);
    r.clock.now += 60_000;
    await r.poll(corrected);
    await r.worker.drain();
    r.clock.now += 3_600_000;
    await r.worker.drain();
    expect(await r.edits()).toMatchObject([{ state: 'skipped', lastCode: 'post_gone', attempts: 1 }]);
    expect((await r.edits())[0]!.lastError).toMatch(/^correction not applied: the post is gone/);
    expect(r.telegram.fake.requests.filter((q) => q.path.endsWith('/editMessageText'))).toHaveLength(1);
    expect(r.events.map((e) => e.state)).toEqual(['sent', 'skipped']);
  });

  it('"message is not modified" is a success', async () => {
    const r = await rig();
    await r.poll(story);
    await r.worker.drain();
    r.clock.now += 60_000;
    await r.poll(corrected);
    r.telegram.respondNext(() => telegramError(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same'));
    await r.worker.drain();
    expect(await r.edits()).toMatchObject([{ state: 'sent', attempts: 1, remoteId: String(r.telegram.messages[0]!.messageId) }]);
    expect(await r.editAttempts()).toMatchObject([{ outcome: 'edited' }]);
    expect(r.events.at(-1)).toMatchObject({ state: 'sent', outcome: 'edited' });
  });

  it('a rate-limited edit waits for the platform, then goes', async () => {
    const r = await rig();
    await r.poll(story);
    await r.worker.drain();
    r.clock.now += 60_000;
    await r.poll(corrected);
    r.telegram.respondNext(() => telegramError(429, 'Too Many Requests: retry after 30', { retry_after: 30 }));
    await r.worker.drain();
    expect(await r.edits()).toMatchObject([{ state: 'pending', attempts: 1 }]);
    expect(await r.worker.nextDueAt()).toBe(r.clock.now + 30_000);
    r.clock.now += 30_000;
    await r.worker.drain();
    expect(await r.editAttempts()).toMatchObject([{ outcome: 'rate-limited' }, { outcome: 'edited' }]);
    expect(r.telegram.edits.map((e) => e.text)).toEqual([expect.stringContaining('Rise 21%')]);
  });

  it("an edit goes at once, whatever the channel's spacing, daily quota and posting hours say", async () => {
    const r = await rig({ minIntervalSeconds: 3600, maxPerDay: 1, postingHours: ['Wed 09:00-10:30'] });
    await r.poll(story);
    await r.worker.drain();
    expect(r.telegram.messages).toHaveLength(1);
    r.clock.now = T0 + 2 * 3_600_000;
    await r.poll(corrected);
    expect(await r.worker.nextDueAt()).toBe(r.clock.now);
    await r.worker.drain();
    expect(r.telegram.edits.map((e) => e.text)).toEqual([expect.stringContaining('Rise 21%')]);
    expect(r.telegram.messages).toHaveLength(1);
  });

  it('an edit racing its post waits for the send, then corrects what it posted', async () => {
    const r = await rig();
    await r.poll(story);
    r.telegram.respondNext(() => telegramError(502, 'Bad Gateway'));
    await r.worker.drain();
    const [post] = await r.store.deliveries({ channelId: 'tg' });
    expect(post).toMatchObject({ state: 'pending', attempts: 1 });
    await r.poll(corrected);
    expect(await r.edits()).toMatchObject([{ state: 'pending', targetId: post!.id }]);
    r.clock.now = post!.dueAt;
    await r.worker.drain();
    expect(r.telegram.edits).toEqual([]);
    // The edit keeps Telegram's own spacing (1 s per chat) after the send it waited for.
    expect(await r.worker.nextDueAt()).toBe(r.clock.now + 1000);
    r.clock.now += 1000;
    await r.worker.drain();
    // The post kept the bytes of its first claim; the edit brought it up to date.
    const sends = r.telegram.fake.requests.filter((q) => q.path.endsWith('/sendMessage')).map((q) => JSON.stringify(q.json));
    expect(sends).toEqual([expect.stringContaining('Rise 18%'), expect.stringContaining('Rise 18%')]);
    expect(r.telegram.messages.map((m) => m.text)).toEqual([expect.stringContaining('Rise 21%')]);
    expect(r.telegram.edits.map((e) => e.text)).toEqual([expect.stringContaining('Rise 21%')]);
    expect((await r.store.deliveries({ channelId: 'tg' })).map((d) => [d.kind, d.state])).toEqual([
      ['edit', 'sent'],
      ['post', 'sent'],
    ]);
  });
});
