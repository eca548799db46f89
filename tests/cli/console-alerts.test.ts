/**
 * `herald run` with `http` and `alerts`, as a child process over loopback fakes: it serves
 * health, readiness, metrics and the API while it runs and frees the port on SIGTERM; its poll
 * and send metrics match what the feed site and the store saw; a paused channel reaches the
 * operator's Telegram once, however many cycles pass, and "resolved" after `herald resume`;
 * `herald once` sends what is pending at its end, and a second `once` does not repeat it; a
 * port already taken is a one-line failure.
 */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OUTCOME_LABEL } from '../../src/http/metrics.ts';
import type { AttemptOutcome } from '../../src/delivery/types.ts';
import { startMastodonFake, type MastodonFake } from '../fakes/mastodon-api.ts';
import { startTelegramFake, type TelegramFake } from '../fakes/telegram-api.ts';
import { rssFeed } from '../helpers/feed-xml.ts';
import { herald, workspace, type CliResult } from '../helpers/herald-cli.ts';
import { startFake, type FakeResponse, type HttpFake } from '../helpers/http-fake.ts';

const CONSOLE_TOKEN = 'run-console-token-91c4e2';
const BOT_TOKEN = '123456:run-console-bot';
const MASTODON_TOKEN = 'mastodon-run-token';
/** Upper bound for anything the tests wait for; far above what each step needs. */
const BOUND_MS = 30_000;

let site: HttpFake;
let telegram: TelegramFake;
const daemons: ChildProcess[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  site = await startFake();
  // Every path is the same two-item feed with an ETag, so repeated polls are answered 304.
  site.fallback((req): FakeResponse =>
    req.headers['if-none-match'] === '"v1"'
      ? { status: 304, headers: { etag: '"v1"' } }
      : { headers: { 'content-type': 'application/rss+xml; charset=UTF-8', etag: '"v1"' }, body: rssFeed([{ n: 2 }, { n: 1 }]) },
  );
  telegram = await startTelegramFake(BOT_TOKEN);
});

afterEach(async () => {
  for (const child of daemons.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(closers.splice(0).map((close) => close()));
});

afterAll(async () => {
  await Promise.all([site.close(), telegram.close()]);
});

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string): Promise<T> {
  const deadline = Date.now() + BOUND_MS;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${BOUND_MS} ms`);
    await sleep(100);
  }
}

function startDaemon(config: string): { exit: Promise<CliResult>; child: () => ChildProcess } {
  let child: ChildProcess | undefined;
  const exit = herald(['run', '--config', config], {
    env: { HERALD_CONSOLE_TOKEN: CONSOLE_TOKEN },
    onSpawn: (c) => {
      child = c;
      daemons.push(c);
    },
  });
  return { exit, child: () => child! };
}

const bearer = { authorization: `Bearer ${CONSOLE_TOKEN}` };

describe('herald run serves the console, API and metrics', () => {
  it('answers /healthz, /readyz, /metrics and /api/status while it runs, and frees the port on SIGTERM', async () => {
    const port = await freePort();
    const feedPath = '/serve/feed.xml';
    const ws = workspace(`store: ./herald.db
feeds:
  - id: news
    url: ${site.url}${feedPath}
    schedule: "*/2 * * * * *"
    backfill: 2
channels:
  - id: telegram-main
    platform: telegram
    chatId: "@herald_news"
    apiRoot: ${telegram.url}
    auth: { botToken: "${BOT_TOKEN}" }
http:
  listen: 127.0.0.1:${port}
  token: "\${HERALD_CONSOLE_TOKEN}"
`);
    const sentBefore = telegram.messages.length;
    const daemon = startDaemon(ws.config);
    const url = `http://127.0.0.1:${port}`;
    await until(() => telegram.messages.length >= sentBefore + 2, 'both articles posted');
    // Past the first poll: at least one answered 304.
    await until(() => site.requests.filter((r) => r.path === feedPath).length >= 3, 'polls after the first');

    expect([(await fetch(`${url}/healthz`)).status]).toEqual([200]);
    const ready = await fetch(`${url}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([200, 'store: ok\nscheduler: ok\n']);
    expect((await fetch(`${url}/api/status`)).status).toBe(401);
    const status = await (await fetch(`${url}/api/status`, { headers: bearer })).json();
    expect(status.feeds.map((f: { id: string; failures: number }) => [f.id, f.failures])).toEqual([['news', 0]]);
    expect(status.channels.map((c: { id: string; queue: object }) => [c.id, c.queue])).toEqual([['telegram-main', { sent: 2 }]]);
    expect(status.workers).toHaveLength(1);

    const metricsText = await (await fetch(`${url}/metrics`)).text();
    const polled = site.requests.filter((r) => r.path === feedPath);
    daemon.child().kill('SIGTERM');
    const result = await daemon.exit;
    expect([result.code, result.signal]).toEqual([0, null]);
    expect(await refused(port)).toBe(true);

    const families = parsePrometheusTextFormat(metricsText);
    const family = (name: string) => families.find((f) => f.name === name)?.metrics ?? [];
    const polls = Object.fromEntries(family('herald_feed_polls_total').map((m) => [m.labels!.result, Number(m.value)]));
    // The scrape came after the requests counted (a poll under way at the scrape may be counted by the site only).
    const answered304 = polled.filter((r) => r.headers['if-none-match'] === '"v1"').length;
    expect(polls.changed).toBe(1);
    expect(polls.failed ?? 0).toBe(0);
    expect(polls.not_modified).toBeGreaterThanOrEqual(1);
    expect([answered304 - 1, answered304]).toContain(polls.not_modified);

    const db = new Database(ws.store, { readonly: true });
    const attempts = db
      .prepare('SELECT d.channel_id AS channel, t.outcome, COUNT(*) AS n FROM attempts t JOIN deliveries d ON d.id = t.delivery_id GROUP BY 1, 2')
      .all() as { channel: string; outcome: AttemptOutcome; n: number }[];
    db.close();
    expect(attempts).toEqual([{ channel: 'telegram-main', outcome: 'sent', n: 2 }]);
    expect(family('herald_deliveries_total').map((m) => ({ channel: m.labels!.channel, outcome: m.labels!.outcome, n: Number(m.value) }))).toEqual(
      attempts.map((a) => ({ channel: a.channel, outcome: OUTCOME_LABEL[a.outcome], n: a.n })),
    );
    // The parser drops a labelled histogram's labels and count: the _count series, read as written.
    expect(family('herald_send_duration_seconds')).toHaveLength(1);
    expect(metricsText.match(/^herald_send_duration_seconds_count\{.*$/gm)).toEqual(['herald_send_duration_seconds_count{channel="telegram-main"} 2']);
  });
});

describe('herald run with a port it cannot have', () => {
  it('says which address is taken and what to change, and exits 1 without a trace', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => taken.close(() => resolve())));
    const { port } = taken.address() as net.AddressInfo;
    const ws = workspace(`store: ./herald.db
feeds:
  - id: news
    url: ${site.url}/taken/feed.xml
channels:
  - id: telegram-main
    platform: telegram
    chatId: "@herald_news"
    apiRoot: ${telegram.url}
    auth: { botToken: "${BOT_TOKEN}" }
http:
  listen: 127.0.0.1:${port}
  token: "\${HERALD_CONSOLE_TOKEN}"
`);
    const result = await startDaemon(ws.config).exit;
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').filter((l) => !l.startsWith('{'))).toEqual([
      `herald: cannot listen on 127.0.0.1:${port}: the port is taken by another program — change http.listen, or stop the program that uses the port`,
    ]);
  });
});

describe('herald run sends alerts', () => {
  it('a paused channel reaches the operator channel once over many cycles, and "resolved" after herald resume', async () => {
    const mastodon: MastodonFake = await startMastodonFake({ accessToken: MASTODON_TOKEN });
    closers.push(() => mastodon.close());
    mastodon.respondNext(() => ({ status: 401, body: { error: 'The access token is invalid' } }));
    const ws = workspace(`store: ./herald.db
feeds:
  - id: news
    url: ${site.url}/alerts/feed.xml
    backfill: 1
channels:
  - id: mastodon-main
    platform: mastodon
    apiRoot: ${mastodon.url}
    auth: { accessToken: "${MASTODON_TOKEN}" }
  - id: ops
    platform: telegram
    feeds: []
    chatId: "@herald_ops"
    apiRoot: ${telegram.url}
    auth: { botToken: "${BOT_TOKEN}" }
alerts:
  to: [ops]
  batchSeconds: 1
  minIntervalSeconds: 2
`);
    const toOps = () => telegram.messages.filter((m) => m.chatId === '@herald_ops');
    const daemon = startDaemon(ws.config);
    await until(() => toOps().length >= 1, 'the alert');
    expect(toOps()[0]!.text).toContain('A channel is paused: the platform refused the credentials:');
    expect(toOps()[0]!.text).toContain('- mastodon-main since');
    expect(toOps()[0]!.text).toContain('`herald resume mastodon-main`');
    // Several scheduler cycles (at least every 10 s) and alert rechecks: still the one message.
    await sleep(12_000);
    expect(toOps()).toHaveLength(1);
    expect(mastodon.posts).toHaveLength(0);

    const resumed = await herald(['resume', 'mastodon-main', '--config', ws.config]);
    expect(resumed.code).toBe(0);
    await until(() => toOps().length >= 2, 'the resolved notice');
    expect(toOps()[1]!.text).toContain('Herald: resolved (1)');
    expect(toOps()[1]!.text).toContain('- mastodon-main sends again');
    await until(() => mastodon.posts.length === 1, 'the post after resume');

    daemon.child().kill('SIGTERM');
    expect((await daemon.exit).code).toBe(0);
    expect(toOps()).toHaveLength(2);
  }, 90_000);
});

describe('herald once sends alerts', () => {
  it('at its end, without waiting for the batch window; a second once does not repeat them', async () => {
    const mastodon: MastodonFake = await startMastodonFake({ accessToken: MASTODON_TOKEN });
    closers.push(() => mastodon.close());
    const ws = workspace(`store: ./herald.db
feeds:
  - id: news
    url: ${site.url}/once/feed.xml
    backfill: 1
channels:
  - id: mastodon-main
    platform: mastodon
    apiRoot: ${mastodon.url}
    auth: { accessToken: "revoked-token" }
  - id: ops
    platform: telegram
    feeds: []
    chatId: "@herald_once_ops"
    apiRoot: ${telegram.url}
    auth: { botToken: "${BOT_TOKEN}" }
alerts:
  to: [ops]
`);
    const toOps = () => telegram.messages.filter((m) => m.chatId === '@herald_once_ops');
    const first = await herald(['once', '--config', ws.config]);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('alerts sent to ops');
    expect(toOps()).toHaveLength(1);
    expect(toOps()[0]!.text).toContain('- mastodon-main since');

    const second = await herald(['once', '--config', ws.config]);
    expect(second.stdout).not.toContain('alerts sent');
    expect(toOps()).toHaveLength(1);
  });
});
