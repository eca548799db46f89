/** A real listening console server over a real store (SQLite unless given) with one delivery in each interesting state. */
import { pino } from 'pino';
import { adapters, unsupportedPlatforms } from '../../adapters/index.ts';
import { buildConfigSchema } from '../../src/config/schema.ts';
import { channelRuntimes } from '../../src/delivery/channels.ts';
import { consoleChannels } from '../../src/http/console-channel.ts';
import { HeraldMetrics } from '../../src/http/metrics.ts';
import { createHttpApp, startHttpServer } from '../../src/http/server.ts';
import { makeRedactor } from '../../src/redact.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import type { Store } from '../../src/store/store.ts';
import { article } from './articles.ts';
import { seedDelivery } from './store-seed.ts';

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

const image = (n: number) => article(n, { imageUrl: `https://astanatimes.com/img/story-${n}.jpg`, categories: ['Nation'] });

/**
 * The store (a new SQLite one unless given) as a morning's work leaves it: #1 sent on X, #2 waiting for review, #3 failed
 * on Bluesky after a retry, #4 held by the flood guard (feed `breaking`), #5 pending; the
 * `breaking` feed failing, Bluesky paused, one worker.
 */
export async function fixtureStore(store: Store = SqliteStore.open(':memory:')): Promise<Store> {
  const worker = 'host-a:4242';
  await store.register({ id: worker, host: 'host-a', pid: 4242 }, START - 60 * MIN);
  await store.claimChannels(worker, config.channels.map((c) => c.id), START - 60 * MIN);
  await seedDelivery(store, {
    article: image(1), channelId: 'x-main', at: START - 30 * MIN, workerId: worker,
    attempts: [{ startedAt: START - 21 * MIN, finishedAt: START - 20 * MIN, settlement: { state: 'sent', outcome: 'sent', remoteId: '1790000000000000001', remoteUrl: 'https://x.com/astanatimes/status/1790000000000000001' } }],
  });
  await seedDelivery(store, { article: image(2), channelId: 'telegram-main', at: START - 30 * MIN, state: 'review' });
  await seedDelivery(store, {
    article: image(3), channelId: 'bluesky-main', at: START - 30 * MIN, workerId: worker,
    attempts: [
      { startedAt: START - 15 * MIN, finishedAt: START - 15 * MIN, settlement: { state: 'pending', outcome: 'retry', code: 'http_503', httpStatus: 503, detail: 'Service Unavailable', dueAt: START - 10 * MIN, countFailure: true, resend: false } },
      { startedAt: START - 10 * MIN, finishedAt: START - 10 * MIN, settlement: { state: 'failed', outcome: 'permanent', code: 'http_400', httpStatus: 400, detail: `Invalid record (token ${CHANNEL_SECRET})` } },
    ],
  });
  await seedDelivery(store, { article: { ...image(4), feedId: 'breaking' }, channelId: 'x-main', at: START - 40 * MIN, state: 'held' });
  await seedDelivery(store, { article: image(5), channelId: 'telegram-main', at: START - 30 * MIN });
  await store.recordUnchanged('astanatimes', START - 2 * MIN, START + 3 * MIN);
  for (const at of [START - 3 * MIN, START - 2 * MIN, START - MIN]) await store.recordFailure('breaking', 'HTTP 503 from astanatimes.com', at, START + 4 * MIN);
  await store.pauseChannel('bluesky-main', 'Bluesky refused the app password (401 AuthenticationRequired)', START - 5 * MIN);
  await store.heartbeat(worker, START - 5000);
  return store;
}

/** Serves `store` as it is (the fixture when none is given); closing the server closes the store. */
export async function startConsole(given?: Store, opts: { schedulerRunning?: boolean } = {}) {
  const store = given ?? (await fixtureStore());
  const clock = { now: START };
  const logger = pino({ level: 'silent' });
  const runtimes = channelRuntimes(config.channels, adapters, logger, true);
  const metrics = new HeraldMetrics({ store, credentials: store, channelIds: runtimes.map((r) => r.id) });
  const state = { schedulerRunning: opts.schedulerRunning ?? true };
  const app = createHttpApp({
    store,
    credentials: store,
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
  return {
    url: server.url,
    store,
    metrics,
    clock,
    state,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}
