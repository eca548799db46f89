/**
 * The delivery worker's fault matrix: one platform fault per case, each driven through the
 * real DeliveryWorker, the real adapters and their client libraries against the loopback
 * fakes, each asserting the delivery's exact state, the channel's state, what was logged,
 * and that the healthy channel beside it was not touched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { z } from 'zod';
import { adapters } from '../../adapters/index.ts';
import { channelSchemaFor, type ChannelConfig } from '../../src/config/schema.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src/delivery/backoff.ts';
import { channelRuntimes, type ChannelRuntime } from '../../src/delivery/channels.ts';
import { MIN_RATE_LIMIT_WAIT_MS } from '../../src/delivery/settlement.ts';
import { DeliveryWorker, type DeliveryEvent } from '../../src/delivery/worker.ts';
import { defineAdapter, type AdapterDefinition } from '../../src/platform.ts';
import { makeRedactor } from '../../src/redact.ts';
import { codePoints } from '../../src/render/count.ts';
import type { Delivery } from '../../src/delivery/types.ts';
import type { Db } from '../../src/store/sqlite/db.ts';
import * as operator from '../../src/store/sqlite/operator.ts';
import * as read from '../../src/store/sqlite/read-model.ts';
import { ingest, memoryStore } from '../helpers/store.ts';
import { article, feed } from '../helpers/articles.ts';
import { REFUSED_URL, startFake } from '../helpers/http-fake.ts';
import { startXFake, xProblem, xRateLimited, type XFake } from '../fakes/x-api.ts';
import { startTelegramFake, telegramError, type TelegramFake } from '../fakes/telegram-api.ts';
import { startMastodonFake, type MastodonFake } from '../fakes/mastodon-api.ts';
import { startDiscordFake, type DiscordFake } from '../fakes/discord-api.ts';

const X_KEYS = {
  appKey: 'faultAppKey7Qx1Wd',
  appSecret: 'faultAppSecret9Zp2',
  accessToken: '1234567-faultAccessToken3Lm',
  accessSecret: 'faultAccessSecret4Rt',
};
const BOT_TOKEN = '123456789:fault-matrix-bot-token';
const MASTODON_TOKEN = 'mastodon-fault-token';
const FLAKY_SECRET = 'flaky-secret-token-42';

/** An adapter that throws where an answer was expected: the worker must not lose or repeat the post. */
const flakyAdapter = defineAdapter({
  platform: 'flaky',
  schema: z.strictObject({ auth: z.strictObject({ token: z.string() }) }),
  inDoubt: 'hold',
  async create(channel) {
    return {
      rules: { defaultTemplate: '{title}\n{link}', layouts: [{ name: 'text', budgets: [{ unit: 'chars', limit: 500, count: codePoints }] }] },
      async send() {
        throw new Error(`socket hung up while talking with token ${channel.auth.token}`);
      },
    };
  },
});

/** A console-like platform whose 10-character limit no article fits. */
const tinyAdapter = defineAdapter({
  platform: 'tiny',
  schema: z.strictObject({}),
  inDoubt: 'resend',
  async create() {
    return {
      rules: { defaultTemplate: '{title}\n\n{summary}\n\n{link}\n{hashtags}', layouts: [{ name: 'text', budgets: [{ unit: 'chars', limit: 10, count: codePoints }] }] },
      async send() {
        throw new Error('tiny: a post that cannot fit must never be sent');
      },
    };
  },
});

const allAdapters: Record<string, AdapterDefinition> = {
  ...adapters,
  flaky: flakyAdapter as unknown as AdapterDefinition,
  tiny: tinyAdapter as unknown as AdapterDefinition,
};

function config(raw: { platform: string } & Record<string, unknown>): ChannelConfig {
  return channelSchemaFor(allAdapters[raw.platform]!).parse(raw) as unknown as ChannelConfig;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

async function xFake(): Promise<{ fake: XFake; channel: ChannelConfig }> {
  const fake = await startXFake({ keys: X_KEYS });
  cleanups.push(() => fake.close());
  return { fake, channel: config({ id: 'x-main', platform: 'x', apiRoot: fake.url, auth: X_KEYS }) };
}

async function telegramFake(): Promise<{ fake: TelegramFake; channel: ChannelConfig }> {
  const fake = await startTelegramFake(BOT_TOKEN);
  cleanups.push(() => fake.close());
  return { fake, channel: config({ id: 'tg-main', platform: 'telegram', chatId: '@herald_faults', apiRoot: fake.url, auth: { botToken: BOT_TOKEN } }) };
}

async function mastodonFake(): Promise<{ fake: MastodonFake; channel: ChannelConfig }> {
  const fake = await startMastodonFake({ accessToken: MASTODON_TOKEN });
  cleanups.push(() => fake.close());
  return { fake, channel: config({ id: 'md-main', platform: 'mastodon', apiRoot: fake.url, auth: { accessToken: MASTODON_TOKEN } }) };
}

async function discordFake(): Promise<{ fake: DiscordFake; channel: ChannelConfig }> {
  const fake = await startDiscordFake();
  cleanups.push(() => fake.close());
  return { fake, channel: config({ id: 'dc-main', platform: 'discord', apiRoot: fake.url, auth: { webhookUrl: fake.webhookUrl } }) };
}

interface LogLine {
  level: number;
  msg: string;
  channel?: string;
  delivery?: number;
  outcome?: string;
  reason?: string;
}

const WARN = 40;
const ERROR = 50;

interface Rig {
  db: Db;
  worker: DeliveryWorker;
  channels: ChannelRuntime[];
  events: DeliveryEvent[];
  logs: LogLine[];
  /** The channel's deliveries, oldest article first. */
  deliveries(channelId: string): Delivery[];
}

interface RigOptions {
  articles?: number;
  now?: () => number;
  retry?: RetryPolicy;
  sendTimeoutMs?: number;
}

// Synchronous reads of the SQLite store's own queries, for assertions.
const getChannelState = (db: Db, id: string) => read.channelStates(db).find((c) => c.id === id) ?? { id };
const attemptsOf = (db: Db, id: number) => read.attempts(db, [id]).get(id)!;
const getDelivery = (db: Db, id: number) => read.delivery(db, id);
const resumeChannel = (db: Db, id: string) => operator.resume(db, id).code === 'done';

/** A store with `articles` new articles queued for every channel, and a worker over it logging into an array. */
async function rig(configs: ChannelConfig[], opts: RigOptions = {}): Promise<Rig> {
  const now = opts.now ?? Date.now;
  const start = now();
  const store = memoryStore();
  const db = store.db;
  const lines: string[] = [];
  const logger = pino({ level: 'debug', base: undefined }, { write: (line: string) => void lines.push(line) });
  const channels = channelRuntimes(configs, allAdapters, logger);
  const events: DeliveryEvent[] = [];
  const count = opts.articles ?? 2;
  const fresh = Array.from({ length: count }, (_, i) => article(i + 1, { publishedAt: new Date(start - (count - i) * 60_000).toISOString() }));
  const report = await ingest(store, feed({ backfill: count }), fresh, configs.map((c) => c.id), {}, start);
  expect(report.queued).toBe(count);
  const worker = new DeliveryWorker(store, channels, {
    workerId: 'worker-1',
    logger,
    redact: makeRedactor([...Object.values(X_KEYS), BOT_TOKEN, MASTODON_TOKEN, FLAKY_SECRET]),
    retry: opts.retry ?? DEFAULT_RETRY_POLICY,
    sendTimeoutMs: opts.sendTimeoutMs ?? 10_000,
    now,
    onEvent: (e) => events.push(e),
  });
  cleanups.push(async () => {
    await Promise.all(channels.map((c) => c.close()));
    db.close();
  });
  return {
    db,
    worker,
    channels,
    events,
    get logs() {
      return lines.map((l) => JSON.parse(l) as LogLine);
    },
    deliveries: (channelId) => read.deliveries(db, { channelId }).reverse(),
  };
}

/** The bystander channel: every one of its deliveries went out, one post each, oldest first. */
function expectUntouched(r: Rig, fake: DiscordFake): void {
  const mine = r.deliveries('dc-main');
  expect(mine.map((d) => d.state)).toEqual(mine.map(() => 'sent'));
  expect(fake.posts.map((p) => (p.body.content as string).match(/story-(\d+)/)?.[1])).toEqual(mine.map((_, i) => String(i + 1)));
  expect(getChannelState(r.db, 'dc-main')).toEqual({ id: 'dc-main' });
}

function logsAbout(r: Rig, msg: string | RegExp): LogLine[] {
  return r.logs.filter((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg)));
}

/** Runs `drain` and returns the wall-clock interval it ran in. */
async function timed(drain: () => Promise<void>): Promise<{ before: number; after: number }> {
  const before = Date.now();
  await drain();
  return { before, after: Date.now() };
}

/** A rate-limited delivery: pending, due when the channel unblocks, no failure counted, one 'rate-limited' attempt logged once. */
async function expectRateLimited(r: Rig, channelId: string, blockedBetween: [number, number]): Promise<void> {
  const [first, second] = r.deliveries(channelId);
  const { blockedUntil, pausedReason } = getChannelState(r.db, channelId);
  expect(pausedReason).toBeUndefined();
  expect(blockedUntil).toBeGreaterThanOrEqual(blockedBetween[0]);
  expect(blockedUntil).toBeLessThanOrEqual(blockedBetween[1]);
  expect(first).toMatchObject({ state: 'pending', dueAt: blockedUntil, failures: 0, attempts: 1, resend: false });
  expect(attemptsOf(r.db, first!.id).map((a) => a.outcome)).toEqual(['rate-limited']);
  // The block holds the rest of the channel's queue back without an attempt.
  expect(second).toMatchObject({ state: 'pending', attempts: 0 });
  const warned = logsAbout(r, 'delivery pending').filter((l) => l.channel === channelId);
  expect(warned).toEqual([expect.objectContaining({ level: WARN, delivery: first!.id, outcome: 'rate-limited' })]);
  // And the channel's due time is the block, for `once` and the daemon to wait on.
  expect(await r.worker.nextDueAt(new Set([channelId]))).toBe(blockedUntil);
}

describe('delivery fault matrix', () => {
  it('X 429 with x-rate-limit-reset: pending until the reset, channel blocked, no failure counted', async () => {
    const { fake: x, channel } = await xFake();
    const { fake: discord, channel: bystander } = await discordFake();
    const reset = Math.floor(Date.now() / 1000) + 15 * 60;
    x.respondNext(() => xRateLimited({ reset }));
    const r = await rig([channel, bystander]);
    const { before, after } = await timed(() => r.worker.drain());
    await expectRateLimited(r, 'x-main', [reset * 1000, reset * 1000 + (after - before)]);
    expect(Math.abs(getChannelState(r.db, 'x-main').blockedUntil! - reset * 1000)).toBeLessThanOrEqual(1000);
    expect(r.deliveries('x-main')[0]!.lastError).toBe('X rate limit reached: Too Many Requests');
    expect(x.tweets).toEqual([]);
    expectUntouched(r, discord);
  });

  it("X 429 at the 24-hour user cap: blocked until the day's reset, not the 15-minute one", async () => {
    const { fake: x, channel } = await xFake();
    const { fake: discord, channel: bystander } = await discordFake();
    const nowS = Math.floor(Date.now() / 1000);
    const dayReset = nowS + 20 * 3600;
    x.respondNext(() => xRateLimited({ reset: nowS + 600, remaining: 57, userDay: { limit: 17, remaining: 0, reset: dayReset } }));
    const r = await rig([channel, bystander]);
    const { before, after } = await timed(() => r.worker.drain());
    await expectRateLimited(r, 'x-main', [dayReset * 1000, dayReset * 1000 + (after - before)]);
    expect(Math.abs(getChannelState(r.db, 'x-main').blockedUntil! - dayReset * 1000)).toBeLessThanOrEqual(1000);
    expectUntouched(r, discord);
  });

  it('X 429 whose reset is already past (clock skew): blocked the 1 s floor, not retried in a tight loop', async () => {
    const { fake: x, channel } = await xFake();
    const { fake: discord, channel: bystander } = await discordFake();
    x.respondNext(() => xRateLimited({ reset: Math.floor(Date.now() / 1000) - 60 }));
    const r = await rig([channel, bystander]);
    const { before, after } = await timed(() => r.worker.drain());
    await expectRateLimited(r, 'x-main', [before + MIN_RATE_LIMIT_WAIT_MS, after + MIN_RATE_LIMIT_WAIT_MS]);
    expect(x.fake.requests.filter((q) => q.path === '/2/tweets')).toHaveLength(1);
    expectUntouched(r, discord);
  });

  it('Telegram 429 retry_after 7: blocked 7 s, as Telegram asked', async () => {
    const { fake: telegram, channel } = await telegramFake();
    const { fake: discord, channel: bystander } = await discordFake();
    telegram.respondNext(() => telegramError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }));
    const r = await rig([channel, bystander]);
    const { before, after } = await timed(() => r.worker.drain());
    await expectRateLimited(r, 'tg-main', [before + 7000, after + 7000]);
    expect(r.deliveries('tg-main')[0]!.lastError).toBe('Telegram rate limit reached: Too Many Requests: retry after 7');
    expect(telegram.messages).toEqual([]);
    expectUntouched(r, discord);
  });

  it('Mastodon 429 with an ISO-8601 X-RateLimit-Reset: blocked until that instant', async () => {
    const { fake: mastodon, channel } = await mastodonFake();
    const { fake: discord, channel: bystander } = await discordFake();
    const reset = new Date(Date.now() + 42 * 60_000 + 123);
    mastodon.respondNext(() => ({
      status: 429,
      headers: { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset.toISOString() },
      body: { error: 'Too many requests' },
    }));
    const r = await rig([channel, bystander]);
    const { before, after } = await timed(() => r.worker.drain());
    await expectRateLimited(r, 'md-main', [reset.getTime(), reset.getTime() + (after - before)]);
    expect(r.deliveries('md-main')[0]!.lastError).toBe('Mastodon HTTP 429: Too many requests');
    expect(mastodon.posts).toEqual([]);
    expectUntouched(r, discord);
  });

  it("Discord 429 with a JSON retry_after in float seconds: blocked that long, not the header's rounded seconds", async () => {
    const { fake: discord, channel } = await discordFake();
    const { fake: mastodon, channel: bystander } = await mastodonFake();
    discord.respondNext(() => ({
      status: 429,
      headers: { 'retry-after': '13' },
      body: { message: 'You are being rate limited.', retry_after: 12.345, global: false },
    }));
    const r = await rig([channel, bystander]);
    const { before, after } = await timed(() => r.worker.drain());
    const [first] = r.deliveries('dc-main');
    expect(getChannelState(r.db, 'dc-main').blockedUntil).toBeGreaterThanOrEqual(before + 12_345);
    expect(getChannelState(r.db, 'dc-main').blockedUntil).toBeLessThanOrEqual(after + 12_345);
    expect(first).toMatchObject({ state: 'pending', failures: 0, dueAt: getChannelState(r.db, 'dc-main').blockedUntil });
    expect(attemptsOf(r.db, first!.id).map((a) => a.outcome)).toEqual(['rate-limited']);
    expect(first!.lastError).toBe('Discord HTTP 429: You are being rate limited.');
    expect(discord.posts).toEqual([]);
    expect(r.deliveries('md-main').map((d) => d.state)).toEqual(['sent', 'sent']);
    expect(mastodon.posts).toHaveLength(2);
  });

  it(`5xx on every attempt: exponential backoff with bounded jitter, then failed after ${DEFAULT_RETRY_POLICY.maxFailures} attempts with X's message`, async () => {
    const { fake: x, channel } = await xFake();
    const { fake: discord, channel: bystander } = await discordFake();
    const policy = DEFAULT_RETRY_POLICY;
    for (let i = 0; i < policy.maxFailures; i++) x.respondNext(() => xProblem(503, 'Service Unavailable', 'Service Unavailable'));
    let clock = Date.now();
    const r = await rig([channel, bystander], { articles: 1, now: () => clock });
    const tweetRequests = () => x.fake.requests.filter((q) => q.path === '/2/tweets').length;
    const id = r.deliveries('x-main')[0]!.id;
    let previousDue = clock;
    for (let failures = 1; failures < policy.maxFailures; failures++) {
      await r.worker.drain();
      const d = getDelivery(r.db, id)!;
      expect(d).toMatchObject({ state: 'pending', failures, attempts: failures, resend: false, lastError: 'X failed (HTTP 503: Service Unavailable)' });
      const full = Math.min(policy.capMs, policy.baseMs * 2 ** (failures - 1));
      expect(d.dueAt - clock).toBeGreaterThanOrEqual(full / 2);
      expect(d.dueAt - clock).toBeLessThanOrEqual(full);
      expect(d.dueAt).toBeGreaterThan(previousDue);
      previousDue = d.dueAt;
      // Not a moment early.
      clock = d.dueAt - 1;
      await r.worker.drain();
      expect(tweetRequests()).toBe(failures);
      clock = d.dueAt;
    }
    await r.worker.drain();
    const gaveUp = getDelivery(r.db, id)!;
    expect(gaveUp).toMatchObject({
      state: 'failed',
      attempts: policy.maxFailures,
      lastError: `gave up after ${policy.maxFailures} failed attempts: X failed (HTTP 503: Service Unavailable)`,
    });
    expect(attemptsOf(r.db, id).map((a) => a.outcome)).toEqual(Array(policy.maxFailures).fill('retry'));
    expect(tweetRequests()).toBe(policy.maxFailures);
    // A failed delivery stays failed: nothing more is sent, the channel is neither paused nor blocked.
    clock += 86_400_000;
    await r.worker.drain();
    expect(tweetRequests()).toBe(policy.maxFailures);
    expect(getChannelState(r.db, 'x-main')).toEqual({ id: 'x-main' });
    expect(r.events.filter((e) => e.delivery.channelId === 'x-main' && e.state === 'failed')).toHaveLength(1);
    expect(logsAbout(r, 'delivery failed')).toEqual([expect.objectContaining({ level: ERROR, delivery: id, channel: 'x-main', outcome: 'retry' })]);
    expectUntouched(r, discord);
  });

  it('X 401: the channel pauses (logged once), its deliveries wait, another channel keeps posting; resumed, they go out', async () => {
    const { fake: x, channel } = await xFake();
    const { fake: mastodon, channel: bystander } = await mastodonFake();
    x.respondNext(() => xProblem(401, 'Unauthorized', 'Unauthorized'));
    const r = await rig([channel, bystander], { articles: 3 });
    await r.worker.drain();
    await r.worker.drain();

    const paused = getChannelState(r.db, 'x-main');
    expect(paused.pausedReason).toBe(
      'X refused the credentials (HTTP 401: Unauthorized); check auth.appKey, auth.appSecret, auth.accessToken and auth.accessSecret',
    );
    const pauseLogs = logsAbout(r, /^channel paused/);
    expect(pauseLogs).toEqual([expect.objectContaining({ level: ERROR, channel: 'x-main', reason: paused.pausedReason })]);
    expect(pauseLogs[0]!.msg).toContain('herald resume x-main');
    expect(r.deliveries('x-main').map((d) => [d.state, d.attempts, d.failures])).toEqual([
      ['pending', 1, 0],
      ['pending', 0, 0],
      ['pending', 0, 0],
    ]);
    expect(attemptsOf(r.db, r.deliveries('x-main')[0]!.id).map((a) => a.outcome)).toEqual(['auth']);
    expect(x.fake.requests.filter((q) => q.path === '/2/tweets')).toHaveLength(1);
    expect(await r.worker.nextDueAt(new Set([r.channels[0]!.id]))).toBeUndefined();
    expect(r.deliveries('md-main').map((d) => d.state)).toEqual(['sent', 'sent', 'sent']);
    expect(mastodon.posts).toHaveLength(3);

    expect(resumeChannel(r.db, 'x-main')).toBe(true);
    await r.worker.drain();
    expect(r.deliveries('x-main').map((d) => d.state)).toEqual(['sent', 'sent', 'sent']);
    expect(x.tweets.map((t) => t.text.match(/story-(\d+)/)?.[1])).toEqual(['1', '2', '3']);
    expect(logsAbout(r, /^channel paused/)).toHaveLength(1);
    expect(mastodon.posts).toHaveLength(3);
  });

  it('Telegram send that hangs: in doubt after the send timeout, held for the operator, never resent', async () => {
    const { fake: telegram, channel } = await telegramFake();
    const { fake: discord, channel: bystander } = await discordFake();
    telegram.respondNext(() => 'hang');
    let clock = Date.now();
    const r = await rig([channel, bystander], { articles: 1, now: () => clock, sendTimeoutMs: 500 });
    await r.worker.drain();
    const [d] = r.deliveries('tg-main');
    expect(d).toMatchObject({ state: 'in_doubt', attempts: 1, resend: false, lastError: 'no answer within 1 s' });
    expect(attemptsOf(r.db, d!.id).map((a) => a.outcome)).toEqual(['in-doubt']);
    expect(logsAbout(r, 'delivery in_doubt')).toEqual([expect.objectContaining({ level: ERROR, channel: 'tg-main', delivery: d!.id })]);
    clock += 3_600_000;
    await r.worker.drain();
    expect(telegram.fake.requests.filter((q) => q.path.endsWith('/sendMessage'))).toHaveLength(1);
    expect(telegram.messages).toEqual([]);
    expect(getDelivery(r.db, d!.id)!.state).toBe('in_doubt');
    expect(getChannelState(r.db, 'tg-main')).toEqual({ id: 'tg-main' });
    expectUntouched(r, discord);
  });

  it('Mastodon send whose answer never comes: queued as a resend; the resend carries the same Idempotency-Key, one status results', async () => {
    const { fake: mastodon, channel } = await mastodonFake();
    const { fake: discord, channel: bystander } = await discordFake();
    // The instance acts on the request, but its answer is lost.
    let actedOn: Promise<Response> | undefined;
    mastodon.respondNext((req) => {
      actedOn = fetch(`${mastodon.url}/api/v1/statuses`, {
        method: 'POST',
        headers: { authorization: String(req.headers.authorization), 'content-type': 'application/json', 'idempotency-key': String(req.headers['idempotency-key']) },
        body: req.text,
      });
      return 'hang';
    });
    let clock = Date.now();
    const r = await rig([channel, bystander], { articles: 1, now: () => clock, sendTimeoutMs: 500 });
    await r.worker.drain();
    expect((await actedOn)?.status).toBe(200);
    const [d] = r.deliveries('md-main');
    expect(d).toMatchObject({ state: 'pending', attempts: 1, failures: 1, resend: true, lastError: 'no answer within 1 s' });
    expect(d!.dueAt).toBeGreaterThan(clock);
    expect(mastodon.posts).toHaveLength(1);

    clock = d!.dueAt;
    await r.worker.drain();
    const statusRequests = mastodon.fake.requests.filter((q) => q.method === 'POST' && q.path === '/api/v1/statuses');
    // The hung request, the instance's own copy of it, and the resend.
    expect(statusRequests).toHaveLength(3);
    expect(new Set(statusRequests.map((q) => q.headers['idempotency-key']))).toEqual(new Set([d!.idempotencyKey]));
    expect(new Set(statusRequests.map((q) => q.text)).size).toBe(1);
    expect(mastodon.posts).toHaveLength(1);
    const sent = getDelivery(r.db, d!.id)!;
    expect(sent).toMatchObject({ state: 'sent', attempts: 2, remoteId: mastodon.posts[0]!.status.id, remoteUrl: mastodon.posts[0]!.status.url });
    expect(attemptsOf(r.db, d!.id).map((a) => a.outcome)).toEqual(['in-doubt', 'sent']);
    expectUntouched(r, discord);
  });

  it('Telegram 400 "chat not found": failed with Telegram\'s message, the channel neither paused nor blocked', async () => {
    const { fake: telegram, channel } = await telegramFake();
    const { fake: discord, channel: bystander } = await discordFake();
    telegram.respondNext(() => telegramError(400, 'Bad Request: chat not found'));
    let clock = Date.now();
    const r = await rig([channel, bystander], { now: () => clock });
    await r.worker.drain();
    const [first, second] = r.deliveries('tg-main');
    expect(first).toMatchObject({ state: 'failed', attempts: 1, lastError: 'Telegram refused the post (400): Bad Request: chat not found' });
    expect(attemptsOf(r.db, first!.id).map((a) => a.outcome)).toEqual(['permanent']);
    expect(getChannelState(r.db, 'tg-main')).toEqual({ id: 'tg-main' });
    expect(logsAbout(r, 'delivery failed')).toEqual([expect.objectContaining({ channel: 'tg-main', delivery: first!.id, outcome: 'permanent' })]);
    // The next article goes out once Telegram's 1 s spacing has passed.
    expect(second).toMatchObject({ state: 'pending', attempts: 0 });
    clock += 1000;
    await r.worker.drain();
    expect(getDelivery(r.db, second!.id)!.state).toBe('sent');
    expect(telegram.messages.map((m) => m.text.match(/story-(\d+)/)?.[1])).toEqual(['2']);
    expectUntouched(r, discord);
  });

  it('connection refused before anything was sent: a plain retry, not in doubt', async () => {
    const deadRoot = REFUSED_URL;
    const { fake: discord, channel: bystander } = await discordFake();
    const channel = config({ id: 'x-main', platform: 'x', apiRoot: deadRoot, auth: X_KEYS });
    const clock = Date.now();
    const r = await rig([channel, bystander], { now: () => clock });
    await r.worker.drain();
    const [first, second] = r.deliveries('x-main');
    expect(first).toMatchObject({ state: 'pending', attempts: 1, failures: 1, resend: false });
    expect(first!.lastError).toMatch(new RegExp(`^X could not be reached at ${deadRoot}: .*ECONNREFUSED`));
    expect(first!.dueAt - clock).toBeGreaterThanOrEqual(DEFAULT_RETRY_POLICY.baseMs / 2);
    expect(first!.dueAt - clock).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.baseMs);
    expect(attemptsOf(r.db, first!.id).map((a) => a.outcome)).toEqual(['retry']);
    // A per-delivery failure: the channel moves on to its next article.
    expect(second).toMatchObject({ state: 'pending', attempts: 1, failures: 1 });
    expect(getChannelState(r.db, 'x-main')).toEqual({ id: 'x-main' });
    expectUntouched(r, discord);
  });

  it('an adapter that throws: in doubt (held), the thrown message redacted', async () => {
    const { fake: discord, channel: bystander } = await discordFake();
    const channel = config({ id: 'flaky-main', platform: 'flaky', auth: { token: FLAKY_SECRET } });
    const clock = Date.now();
    const r = await rig([channel, bystander], { articles: 1, now: () => clock });
    await r.worker.drain();
    await r.worker.drain();
    const [d] = r.deliveries('flaky-main');
    expect(d).toMatchObject({
      state: 'in_doubt',
      attempts: 1,
      lastError: 'adapter failed unexpectedly: socket hung up while talking with token [redacted]',
    });
    expect(attemptsOf(r.db, d!.id).map((a) => a.outcome)).toEqual(['in-doubt']);
    expect(logsAbout(r, 'delivery in_doubt')).toHaveLength(1);
    expect(r.logs.map((l) => JSON.stringify(l)).join('\n')).not.toContain(FLAKY_SECRET);
    expectUntouched(r, discord);
  });

  it('a post that cannot fit: failed "render-failed" with the reason, no attempt made', async () => {
    const { fake: discord, channel: bystander } = await discordFake();
    const channel = config({ id: 'tiny-main', platform: 'tiny' });
    const r = await rig([channel, bystander]);
    await r.worker.drain();
    const tiny = r.deliveries('tiny-main');
    const reasons = tiny.map((d) => `cannot fit: layout "text" has no room for the title (link alone is ${d.article.link.length} chars, limit 10)`);
    expect(tiny.map((d) => [d.state, d.attempts, d.lastError, d.rendered])).toEqual(reasons.map((reason) => ['failed', 0, reason, undefined]));
    for (const d of tiny) expect(attemptsOf(r.db, d.id)).toEqual([]);
    expect(r.events.filter((e) => e.delivery.channelId === 'tiny-main').map((e) => [e.state, e.outcome, e.detail])).toEqual(
      reasons.map((reason) => ['failed', 'render-failed', reason]),
    );
    expect(logsAbout(r, 'post cannot be rendered for this platform').map((l) => [l.delivery, l.reason])).toEqual(
      tiny.map((d, i) => [d.id, reasons[i]]),
    );
    expectUntouched(r, discord);
  });
});
