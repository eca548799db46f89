import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { adapters, unsupportedPlatforms } from '../../adapters/index.ts';
import { alertNotifierFor } from '../../src/alerts/from-config.ts';
import { buildConfigSchema } from '../../src/config/schema.ts';
import { channelRuntimes } from '../../src/delivery/channels.ts';
import { startTelegramFake, telegramError, type TelegramFake } from '../fakes/telegram-api.ts';
import { article } from '../helpers/articles.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { seedTroubled } from '../helpers/store-seed.ts';

const TOKEN = '123456:alert-bot-token';
const T0 = Date.UTC(2026, 11, 2, 6, 0);
const MIN = 60_000;
/** The config's defaults: a problem waits 30 s for the rest of its outage; one message per 5 minutes. */
const ALERT_BATCH_MS = 30_000;
const ALERT_MIN_INTERVAL_MS = 5 * MIN;

let telegram: TelegramFake | undefined;
let store: SqliteStore | undefined;
afterEach(async () => {
  await telegram?.close();
  await store?.close();
  telegram = store = undefined;
});

async function setup() {
  telegram = await startTelegramFake(TOKEN);
  store = SqliteStore.open(':memory:');
  const config = buildConfigSchema(Object.values(adapters), unsupportedPlatforms).parse({
    feeds: [{ id: 'astanatimes', url: 'https://astanatimes.com/feed/' }],
    channels: [
      { id: 'x-main', platform: 'console' },
      { id: 'ops', platform: 'telegram', feeds: [], chatId: '@herald_ops', apiRoot: telegram.url, auth: { botToken: TOKEN } },
    ],
    http: { listen: '127.0.0.1:8080', token: 'console-token' },
    alerts: { to: ['ops'] },
  });
  const logs: { msg: string; channel?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const make = () =>
    alertNotifierFor(config, { channels: channelRuntimes(config.channels, adapters, logger), store: store!, logger })!;
  return { telegram, store, notifier: make(), make, logs };
}

describe('alerts through a loopback Telegram', () => {
  it('tells once that a channel paused, not again after a restart, then that it was resolved', async () => {
    const { telegram, store, notifier, make } = await setup();
    await store.pauseChannel('x-main', 'X refused the credentials (401 Unauthorized)', T0);
    expect(await notifier.check(T0 + 1000)).toBe('waiting');
    expect(await notifier.check(T0 + ALERT_BATCH_MS)).toBe('sent');
    expect(telegram.messages).toHaveLength(1);
    expect(telegram.messages[0]!.chatId).toBe('@herald_ops');
    expect(telegram.messages[0]!.text).toBe(
      [
        '<b><a href="http://127.0.0.1:8080/">Herald: 1 problem</a></b>',
        '',
        'A channel is paused: the platform refused the credentials:',
        '- x-main since 2026-12-02 06:00 UTC: X refused the credentials (401 Unauthorized)',
        "Fix: renew the credentials in the config (or `herald auth x-main`), then `herald resume x-main` or Resume on the console's Overview.",
        '',
        '<a href="http://127.0.0.1:8080/">http://127.0.0.1:8080/</a>',
      ].join('\n'),
    );
    expect(await notifier.check(T0 + 2 * MIN)).toBe('nothing');
    expect(await make().check(T0 + 20 * MIN)).toBe('nothing');
    expect(telegram.messages).toHaveLength(1);

    await store.resume('x-main');
    expect(await notifier.check(T0 + 21 * MIN, { flush: true })).toBe('sent');
    expect(telegram.messages).toHaveLength(2);
    expect(telegram.messages[1]!.text).toContain('Herald: resolved (1)');
    expect(telegram.messages[1]!.text).toContain('- x-main sends again (since 2026-12-02 06:21 UTC; the problem began 2026-12-02 06:00 UTC)');
    expect(await make().check(T0 + 40 * MIN)).toBe('nothing');
    expect(telegram.messages).toHaveLength(2);
  });

  it('alerts a feed only after feedFailures polls in a row, and a delivery left in doubt', async () => {
    const { telegram, store, notifier } = await setup();
    await store.record({ feedId: 'astanatimes', now: T0 - 30 * MIN, cache: {}, seen: [], deliver: [] });
    for (const at of [T0 - 20 * MIN, T0 - 10 * MIN]) await store.recordFailure('astanatimes', 'HTTP 503', at, T0);
    expect(await notifier.check(T0, { flush: true })).toBe('nothing');
    await store.recordFailure('astanatimes', 'HTTP 503', T0, T0 + MIN);
    // From another feed: recording a poll of `astanatimes` would end its failures.
    const id = await seedTroubled(store, article(9, { feedId: 'breaking' }), 'x-main', 'in_doubt', 'timeout after 30 s', T0);
    expect(await notifier.check(T0 + ALERT_BATCH_MS)).toBe('sent');
    const text = telegram.messages[0]!.text;
    expect(text).toContain('A feed fails to poll:\n- astanatimes since 2026-12-02 05:30 UTC: 3 failed polls in a row: HTTP 503');
    expect(text).toContain(`A send is in doubt: the platform may or may not have posted:\n- #${id} since 2026-12-02 06:00 UTC: x-main: “Kazakhstan, US Maintain Constructive Dialogue on Human Rights (9)” (timeout after 30 s)`);
    expect(text).toContain(`\`herald skip ${id}\`, if not \`herald retry ${id}\``);
  });

  it('sends an outage of a thousand failures as one message, and at most one message per interval', async () => {
    const { telegram, store, notifier } = await setup();
    for (let i = 1; i <= 1000; i++) await seedTroubled(store, article(i), 'x-main', 'failed', 'HTTP 403: duplicate content', T0 + i);
    expect(await notifier.check(T0 + 2 * ALERT_BATCH_MS)).toBe('sent');
    const last = await seedTroubled(store, article(1001), 'x-main', 'failed', 'HTTP 403: duplicate content', T0 + MIN);
    expect(await notifier.check(T0 + 3 * MIN, { flush: true })).toBe('waiting');
    expect(telegram.messages).toHaveLength(1);
    expect(telegram.messages[0]!.text).toContain('1000 deliveries failed:');
    expect(telegram.messages[0]!.text).toContain('…and 990 more');
    expect(await notifier.check(T0 + 2 * ALERT_BATCH_MS + ALERT_MIN_INTERVAL_MS)).toBe('sent');
    expect(telegram.messages).toHaveLength(2);
    expect(telegram.messages[1]!.text).toContain(`A delivery failed:\n- #${last} `);
  });

  it('logs an alert channel that fails instead of alerting about it, and tries again later', async () => {
    const { telegram, store, notifier, logs } = await setup();
    await store.pauseChannel('x-main', 'X refused the credentials (401 Unauthorized)', T0);
    telegram.respondNext(() => telegramError(401, 'Unauthorized'));
    expect(await notifier.check(T0, { flush: true })).toBe('failed');
    expect(logs.filter((l) => l.msg.startsWith('alert channel failed'))).toHaveLength(1);
    expect(await notifier.check(T0 + MIN, { flush: true })).toBe('waiting');
    expect((await store.openAlerts()).map((a) => [a.key, a.notifiedAt])).toEqual([['channel-paused:x-main', undefined]]);
    expect(await notifier.check(T0 + ALERT_MIN_INTERVAL_MS, { flush: true })).toBe('sent');
    expect(telegram.messages).toHaveLength(1);
    expect(await store.deliveries({ channelId: 'ops' })).toEqual([]);
  });
});
