/**
 * `herald run` as a child process, stopped by signals: the first finishes the sends under
 * way and exits 0, a second exits at once (130) and the next start resolves what was cut
 * off; a bad config or a store in use never starts the daemon.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';
import { herald, workspace, type CliResult } from '../helpers/herald-cli.ts';
import { rssFeed } from '../helpers/feed-xml.ts';
import { startGateProxy } from '../helpers/gate-proxy.ts';
import { startXFake } from '../fakes/x-api.ts';
import { startTelegramFake } from '../fakes/telegram-api.ts';
import { startDiscordFake, WEBHOOK_ID } from '../fakes/discord-api.ts';

const TOKEN = '123456:shutdown-test-token';
const TITLE = 'Kazakhstan and partners sign agreement number 1';
/** How long the platform takes to answer the send that is under way when the signal comes. */
const SLOW_ANSWER_MS = 1500;
/** Upper bound for anything the tests wait for; far above what each step needs. */
const BOUND_MS = 20_000;

let site: HttpFake;
const closers: (() => Promise<void>)[] = [];
/** Every `herald run` started, so that one left running by a failed test is stopped. */
const daemons: ChildProcess[] = [];

beforeAll(async () => {
  site = await startFake();
  // Every feed path serves the same one-item feed; each test polls its own path, so its requests can be counted.
  site.fallback(() => ({ headers: { 'content-type': 'application/rss+xml; charset=UTF-8' }, body: rssFeed([{ n: 1 }]) }));
});

afterAll(async () => {
  for (const child of daemons) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all([site.close(), ...closers.map((close) => close())]);
});

function config(feedPath: string, channels: string): string {
  return `store: ./herald.db
feeds:
  - id: news
    url: ${site.url}${feedPath}
    backfill: 1
channels:
${channels}`;
}

const xChannel = (apiRoot: string) => `  - id: x-main
    platform: x
    apiRoot: ${apiRoot}
    auth: { appKey: k, appSecret: s, accessToken: t, accessSecret: a }
`;

const telegramChannel = (apiRoot: string) => `  - id: telegram-main
    platform: telegram
    chatId: "@herald_shutdown"
    apiRoot: ${apiRoot}
    auth: { botToken: "${TOKEN}" }
`;

/** Rejects when `promise` has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it is true, at most `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}

interface Daemon {
  child: ChildProcess;
  exit: Promise<CliResult>;
  /** Resolves once stderr (pino's JSON lines) has a line with this message. */
  logged(msg: string): Promise<void>;
}

function startDaemon(configFile: string): Daemon {
  let child: ChildProcess | undefined;
  let stderr = '';
  const exit = herald(['run', '--config', configFile], {
    env: { HERALD_LOG_LEVEL: 'info' },
    onSpawn: (c) => {
      child = c;
      daemons.push(c);
      c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    },
  });
  return {
    child: child!,
    exit,
    logged: (msg) => until(() => logMessages(stderr).includes(msg), BOUND_MS, `log "${msg}"`),
  };
}

function logMessages(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
}

interface DeliveryRow {
  id: number;
  channel: string;
  state: string;
  attempts: number;
  outcomes: string | null;
}

function readStore(file: string): { deliveries: DeliveryRow[]; locks: number } {
  const db = new Database(file, { readonly: true });
  try {
    const deliveries = db
      .prepare(
        `SELECT d.id, d.channel_id AS channel, d.state, d.attempts,
                (SELECT group_concat(coalesce(t.outcome, 'in flight'), ',') FROM (SELECT outcome FROM attempts WHERE delivery_id = d.id ORDER BY n) t) AS outcomes
         FROM deliveries d ORDER BY d.id`,
      )
      .all() as DeliveryRow[];
    const locks = (db.prepare('SELECT COUNT(*) AS n FROM workers').get() as { n: number }).n;
    return { deliveries, locks };
  } finally {
    db.close();
  }
}

const STOPPING = 'stopping: finishing sends under way (a second signal stops at once)';

describe('herald run stopped by a signal', () => {
  it('SIGTERM while a send is in flight: waits for its answer, records it as sent, releases the lock, exits 0', async () => {
    const x = await startXFake();
    closers.push(() => x.close());
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    let answered = false;
    // X answers this tweet slowly; the signal comes while Herald waits for it.
    x.fake.route('POST', '/2/tweets', async (req) => {
      arrived();
      await sleep(SLOW_ANSWER_MS);
      const text = (req.json as { text: string }).text;
      const id = '1790000000000000001';
      x.tweets.push({ id, text, mediaIds: [] });
      answered = true;
      return { status: 201, body: { data: { id, text, edit_history_tweet_ids: [id] } } };
    });
    const ws = workspace(config('/feed/in-flight', xChannel(x.url)));

    const daemon = startDaemon(ws.config);
    await within(arrival, BOUND_MS, 'the tweet request');
    daemon.child.kill('SIGTERM');
    const r = await within(daemon.exit, BOUND_MS, 'herald run exiting');

    expect(r.code, r.stderr).toBe(0);
    expect(answered).toBe(true);
    const messages = logMessages(r.stderr);
    expect(messages).toContain(STOPPING);
    // It said it was stopping, then heard the send's answer and recorded it, then stopped.
    expect(messages.slice(messages.indexOf(STOPPING))).toEqual([STOPPING, 'delivery sent', 'stopped']);
    expect(r.stderr).toContain('"signal":"SIGTERM"');
    expect(x.tweets.map((t) => t.text.includes('story-1'))).toEqual([true]);
    expect(readStore(ws.store)).toEqual({
      deliveries: [{ id: 1, channel: 'x-main', state: 'sent', attempts: 1, outcomes: 'sent' }],
      locks: 0,
    });
  });

  it('SIGINT while a channel is still starting up: sends nothing after it, exits 0', async () => {
    const discord = await startDiscordFake();
    closers.push(() => discord.close());
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    // The adapter reads the webhook (its guild) when it starts; that answer is slow.
    discord.fake.route('GET', `/api/webhooks/${WEBHOOK_ID}/${discord.token}`, async () => {
      arrived();
      await sleep(SLOW_ANSWER_MS);
      return { body: { id: WEBHOOK_ID, type: 1, guild_id: '1100000000000000001', channel_id: '1100000000000000002', token: discord.token } };
    });
    const ws = workspace(
      config(
        '/feed/starting',
        `  - id: discord-main
    platform: discord
    apiRoot: ${discord.url}
    auth: { webhookUrl: "${discord.webhookUrl}" }
`,
      ),
    );

    const daemon = startDaemon(ws.config);
    await within(arrival, BOUND_MS, 'the webhook lookup');
    daemon.child.kill('SIGINT');
    const r = await within(daemon.exit, BOUND_MS, 'herald run exiting');

    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('"signal":"SIGINT"');
    expect(logMessages(r.stderr).slice(-2)).toEqual([STOPPING, 'stopped']);
    expect(discord.fake.requests.filter((req) => req.method === 'POST')).toEqual([]);
    // Never claimed: still queued for the next start, not stuck as an unanswered send.
    expect(readStore(ws.store)).toEqual({
      deliveries: [{ id: 1, channel: 'discord-main', state: 'pending', attempts: 0, outcomes: null }],
      locks: 0,
    });
  });

  it('a second signal while a send hangs exits at once with 130; the next start resends to X (refused as a duplicate) and holds Telegram in doubt', async () => {
    const x = await startXFake();
    const telegram = await startTelegramFake(TOKEN);
    const gates = {
      x: await startGateProxy(x.url, (r) => r.method === 'POST' && r.path === '/2/tweets'),
      telegram: await startGateProxy(telegram.url, (r) => r.method === 'POST' && /\/send(Message|Photo)$/.test(r.path)),
    };
    closers.push(() => x.close(), () => telegram.close(), () => gates.x.close(), () => gates.telegram.close());
    // Both platforms publish the post, and Herald never hears back.
    gates.x.decide = () => 'hang-after';
    gates.telegram.decide = () => 'hang-after';
    const hung = Promise.all([gates.x.nextHang(), gates.telegram.nextHang()]);
    const ws = workspace(config('/feed/second-signal', xChannel(gates.x.url) + telegramChannel(gates.telegram.url)));

    const daemon = startDaemon(ws.config);
    await within(hung, BOUND_MS, 'both sends hanging');
    daemon.child.kill('SIGTERM');
    await daemon.logged(STOPPING);
    daemon.child.kill('SIGTERM');
    // Far below the 30 s the first signal would wait for the hanging sends.
    const r = await within(daemon.exit, 10_000, 'herald run exiting on the second signal');
    expect(r.code, r.stderr).toBe(130);
    expect(logMessages(r.stderr)).not.toContain('stopped');
    expect(x.tweets).toHaveLength(1);
    expect(telegram.messages).toHaveLength(1);

    gates.x.decide = () => 'pass';
    gates.telegram.decide = () => 'pass';
    const once = await herald(['once', '--config', ws.config]);
    // The in-doubt Telegram send waits for the operator.
    expect(once.code, once.stderr).toBe(1);
    expect(once.stdout.split('\n')).toEqual([
      'recovered 1 interrupted send(s): they will be resent safely (the platform deduplicates)',
      '1 interrupted send(s) are in doubt: see `herald status`, then `herald retry ID` or `herald skip ID`',
      'feed news: 1 items, 0 new, 0 queued',
      `[x-main] #1 already-posted: "${TITLE}" — X refused it as a duplicate of a post already made: You are not allowed to create a Tweet with duplicate content.`,
      'done: 1 already-posted',
      '',
    ]);
    expect(x.tweets).toHaveLength(1);
    expect(telegram.messages).toHaveLength(1);
    expect(readStore(ws.store)).toEqual({
      deliveries: [
        { id: 1, channel: 'x-main', state: 'sent', attempts: 2, outcomes: 'interrupted,already-posted' },
        { id: 2, channel: 'telegram-main', state: 'in_doubt', attempts: 1, outcomes: 'interrupted' },
      ],
      locks: 0,
    });

    const status = await herald(['status', '--config', ws.config]);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(
      'In doubt: may or may not be on the platform; check, then `herald retry ID` or `herald skip ID`:\n' +
        `  #2 [telegram-main] "${TITLE}" — interrupted mid-send: the process stopped before the answer was recorded; the post may or may not be on the platform\n`,
    );
  });

  it('a bad config never starts the daemon: exit 2 with every problem as `path: message`', async () => {
    const ws = workspace(`store: ./herald.db
feeds:
  - id: news
    url: ${site.url}/feed/bad-config
channels:
  - id: telegram-main
    platform: telegram
    chatId: "@herald_shutdown"
    auth: { botToken: "\${UNSET_BOT_TOKEN}" }
  - id: broken
    platform: myspace
`);
    const r = await within(herald(['run', '--config', ws.config]), BOUND_MS, 'herald run exiting');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      'channels.0.auth.botToken: environment variable UNSET_BOT_TOKEN is not set (set it, or add it to the .env file beside the config) — channels[telegram-main].auth.botToken at line 9, column 13',
      expect.stringMatching(/^channels\.1\.platform: unknown platform "myspace" \(expected one of: x, telegram, .*\) — channels\[broken\]\.platform at line 11, column 5$/),
      `herald: ${ws.config}: 2 problem(s) — fix the lines above, then run \`herald validate\``,
      '',
    ]);
    expect(fs.existsSync(ws.store)).toBe(false);
    expect(site.requests.filter((req) => req.path === '/feed/bad-config')).toEqual([]);
  });

  it('while `herald run` holds the store, `herald once` refuses to start, naming the running worker', async () => {
    const ws = workspace(
      config(
        '/feed/locked',
        `  - id: console
    platform: console
    dryRun: true
`,
      ),
    );
    const polls = () => site.requests.filter((req) => req.path === '/feed/locked').length;
    const daemon = startDaemon(ws.config);
    // The daemon takes the lock before its first poll.
    await until(() => polls() === 1, BOUND_MS, 'the first poll');

    const once = await within(herald(['once', '--config', ws.config]), BOUND_MS, 'herald once exiting');
    expect(once.code).toBe(2);
    expect(once.stdout).toBe('');
    expect(once.stderr).toBe(
      `herald: another Herald worker (pid ${daemon.child.pid} on ${os.hostname()}) is using this store — stop it first, or point this one at another \`store\`\n`,
    );
    expect(polls()).toBe(1);

    daemon.child.kill('SIGTERM');
    const r = await within(daemon.exit, BOUND_MS, 'herald run exiting');
    expect(r.code, r.stderr).toBe(0);
    expect(readStore(ws.store).locks).toBe(0);
  });
});
