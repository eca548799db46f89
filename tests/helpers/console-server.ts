/** A real listening console server over a store with one delivery in each interesting state. */
import { pino } from 'pino';
import { adapters, unsupportedPlatforms } from '../../adapters/index.ts';
import { buildConfigSchema } from '../../src/config/schema.ts';
import { channelRuntimes } from '../../src/delivery/channels.ts';
import type { Delivery } from '../../src/delivery/types.ts';
import { consoleChannels } from '../../src/http/console-channel.ts';
import { HeraldMetrics } from '../../src/http/metrics.ts';
import { createHttpApp, startHttpServer } from '../../src/http/server.ts';
import { makeRedactor } from '../../src/redact.ts';
import { MemoryConsoleStore } from '../fakes/memory-store.ts';
import { article } from './articles.ts';

export const CONSOLE_TOKEN = 'console-token-5b1e0c9d2f7a';
/** A secret of a channel's auth that an error text happens to contain. */
export const CHANNEL_SECRET = 'bot-secret-77ab19c3';
export const START = Date.UTC(2026, 11, 2, 6, 0);
const MIN = 60_000;

const config = buildConfigSchema(Object.values(adapters), unsupportedPlatforms).parse({
  feeds: [{ id: 'astanatimes', url: 'https://astanatimes.com/feed/' }, { id: 'breaking', url: 'https://astanatimes.com/category/breaking/feed/' }],
  channels: [
    { id: 'x-main', platform: 'x', auth: { appKey: 'a', appSecret: 'b', accessToken: 'c', accessSecret: 'd' }, utm: { source: 'x' } },
    { id: 'telegram-main', platform: 'telegram', chatId: '@astanatimes', auth: { botToken: `123:${CHANNEL_SECRET}` } },
    { id: 'bluesky-main', platform: 'bluesky', auth: { identifier: 'astanatimes.bsky.social', password: 'app-password' } },
  ],
});

function delivery(id: number, channelId: string, state: Delivery['state'], overrides: Partial<Delivery> = {}): Delivery {
  return {
    id, kind: 'post', articlePk: id, feedId: 'astanatimes', channelId, state, idempotencyKey: `k${id}`, attempts: 0, failures: 0,
    resend: false, priority: 0, dueAt: START + 5 * MIN, orderAt: START - id * MIN, createdAt: START - 30 * MIN, dryRun: false,
    article: article(id, { imageUrl: `https://astanatimes.com/img/story-${id}.jpg`, categories: ['Nation'] }), ...overrides,
  };
}

export function fixtureStore(): MemoryConsoleStore {
  const store = new MemoryConsoleStore();
  store.deliveryRows = [
    delivery(1, 'x-main', 'sent', { attempts: 1, settledAt: START - 20 * MIN, remoteUrl: 'https://x.com/astanatimes/status/1790000000000000001' }),
    delivery(2, 'telegram-main', 'review'),
    delivery(3, 'bluesky-main', 'failed', { attempts: 2, failures: 2, lastCode: 'http_400', lastError: `Invalid record (token ${CHANNEL_SECRET})`, settledAt: START - 10 * MIN }),
    delivery(4, 'x-main', 'held', { feedId: 'breaking' }),
    delivery(5, 'telegram-main', 'pending'),
  ];
  store.attemptRows = [
    { deliveryId: 1, n: 1, startedAt: START - 21 * MIN, finishedAt: START - 20 * MIN, outcome: 'sent', workerId: 'host-a:4242' },
    { deliveryId: 3, n: 1, startedAt: START - 15 * MIN, finishedAt: START - 15 * MIN, outcome: 'retry', code: 'http_503', httpStatus: 503, detail: 'Service Unavailable' },
    { deliveryId: 3, n: 2, startedAt: START - 10 * MIN, finishedAt: START - 10 * MIN, outcome: 'permanent', code: 'http_400', httpStatus: 400, detail: 'Invalid record' },
  ];
  store.feedRows = [
    { id: 'astanatimes', cache: {}, failures: 0, lastPollAt: START - 2 * MIN, lastOkAt: START - 2 * MIN, nextPollAt: START + 3 * MIN },
    { id: 'breaking', cache: {}, failures: 3, lastPollAt: START - MIN, lastOkAt: START - 40 * MIN, lastError: 'HTTP 503 from astanatimes.com', nextPollAt: START + 4 * MIN },
  ];
  store.channelRows = [{ id: 'bluesky-main', pausedReason: 'Bluesky refused the app password (401 AuthenticationRequired)', pausedAt: START - 5 * MIN }];
  store.workerRows = [{ id: 'host-a:4242', host: 'host-a', pid: 4242, startedAt: START - 60 * MIN, heartbeatAt: START - 5000, feeds: [], channels: ['x-main', 'telegram-main', 'bluesky-main'] }];
  return store;
}

export async function startConsole(store = fixtureStore(), opts: { schedulerRunning?: boolean } = {}) {
  const clock = { now: START };
  const logger = pino({ level: 'silent' });
  const runtimes = channelRuntimes(config.channels, adapters, logger, true);
  const metrics = new HeraldMetrics({ store, channelIds: runtimes.map((r) => r.id) });
  const state = { schedulerRunning: opts.schedulerRunning ?? true };
  const app = createHttpApp({
    store,
    channels: consoleChannels(runtimes),
    feedIds: config.feeds.map((f) => f.id),
    token: CONSOLE_TOKEN,
    metrics,
    schedulerRunning: () => state.schedulerRunning,
    logger,
    redact: makeRedactor([`123:${CHANNEL_SECRET}`, CHANNEL_SECRET]),
    now: () => clock.now,
  });
  const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  return { url: server.url, store, metrics, clock, state, close: server.close };
}
