/**
 * Three `herald run` workers share one PostgreSQL store while the feeds gain items; every few
 * seconds one worker is SIGKILLed and replaced. Then, per platform: no article posted twice,
 * none lost (sent, or in doubt where the platform cannot be asked: Telegram), spacing held
 * across workers, and no feed polled by two workers at once.
 *
 * `npm test` runs a short version; `npm run test:workers` sets HERALD_WORKERS_KILLS=12.
 */
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMastodonFake, type MastodonFake } from './fakes/mastodon-api.ts';
import { startTelegramFake, type TelegramFake } from './fakes/telegram-api.ts';
import { startXFake, type XFake } from './fakes/x-api.ts';
import { rssFeed, type FeedItem } from './helpers/feed-xml.ts';
import { herald, workspace } from './helpers/herald-cli.ts';
import { startFake, type HttpFake } from './helpers/http-fake.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';

const KILLS = Number(process.env.HERALD_WORKERS_KILLS ?? 2);
const KILL_EVERY_MS = 3_000;
const WORKERS = 3;
const FEEDS = ['politics', 'business', 'sport'];
const INITIAL_PER_FEED = 3;
const SPACING_MS = 1_000;
const TOKEN = '123456:workers-test-token';
/** A dead worker's sends are recovered once its lease (30 s) has run out and a heartbeat (10 s) sees it. */
const SETTLE_TIMEOUT_MS = 120_000;

let db: TestDatabase;
let site: HttpFake;
let x: XFake;
let telegram: TelegramFake;
let mastodon: MastodonFake;
let ws: ReturnType<typeof workspace>;
const items = new Map<string, FeedItem[]>();
const inFlight = new Map<string, number>();
const overlaps: string[] = [];
let nextStory = 1;

/** Stories are numbered across feeds; the one shared story is listed by two feeds. */
function addItem(feed: string, n = nextStory++): number {
  items.get(feed)!.unshift({ n });
  return n;
}

beforeAll(async () => {
  db = await createTestDatabase();
  site = await startFake();
  [x, telegram, mastodon] = await Promise.all([startXFake(), startTelegramFake(TOKEN), startMastodonFake({ accessToken: 'workers-mastodon-token' })]);
  for (const feed of FEEDS) {
    items.set(feed, []);
    for (let i = 0; i < INITIAL_PER_FEED; i++) addItem(feed);
    site.route('GET', `/${feed}/feed/`, async () => {
      const running = (inFlight.get(feed) ?? 0) + 1;
      inFlight.set(feed, running);
      if (running > 1) overlaps.push(feed);
      // Held open a moment, so two polls of one feed at once would overlap here.
      await new Promise((resolve) => setTimeout(resolve, 150));
      inFlight.set(feed, inFlight.get(feed)! - 1);
      return { headers: { 'content-type': 'application/rss+xml' }, body: rssFeed(items.get(feed)!.slice(0, 50)) };
    });
  }
  addItem('business', addItem('politics'));
  const spacing = `minIntervalSeconds: ${SPACING_MS / 1000}`;
  ws = workspace(`
store: "${db.url}"
feeds:
${FEEDS.map((f) => `  - id: ${f}\n    url: ${site.url}/${f}/feed/\n    schedule: "*/2 * * * * *"\n    backfill: 50\n    floodThreshold: 50`).join('\n')}
channels:
  - id: x
    platform: x
    apiRoot: ${x.url}
    ${spacing}
    auth: { appKey: k, appSecret: s, accessToken: t, accessSecret: a }
  - id: telegram
    platform: telegram
    chatId: "@workers_test"
    apiRoot: ${telegram.url}
    ${spacing}
    auth: { botToken: "${TOKEN}" }
  - id: mastodon
    platform: mastodon
    apiRoot: ${mastodon.url}
    ${spacing}
    auth: { accessToken: workers-mastodon-token }
`);
});

afterAll(async () => {
  await Promise.all([site?.close(), x?.close(), telegram?.close(), mastodon?.close()]);
  await db?.drop();
});

interface Worker {
  child?: ChildProcess;
  exited: Promise<unknown>;
}

function startWorker(): Worker {
  const worker: Worker = { exited: Promise.resolve() };
  worker.exited = herald(['run', '--config', ws.config], { onSpawn: (c) => (worker.child = c) });
  return worker;
}

const storyOf = (text: string) => text.match(/story-(\d+)/)?.[1] ?? '?';

function countBy(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

async function query<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe(`${WORKERS} workers on one PostgreSQL, ${KILLS} SIGKILLs`, () => {
  it('posts each article once per platform, loses none, keeps spacing, polls each feed from one worker at a time', async () => {
    const workers = Array.from({ length: WORKERS }, startWorker);
    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((resolve) => setTimeout(resolve, KILL_EVERY_MS));
      addItem(FEEDS[kill % FEEDS.length]!);
      const victim = kill % WORKERS;
      workers[victim]!.child?.kill('SIGKILL');
      await workers[victim]!.exited;
      workers[victim] = startWorker();
    }
    // Every story has a delivery per channel and none is waiting or in flight.
    const stories = [...new Set([...items.values()].flat().map((it) => String(it.n)))];
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      // On a loaded machine the schema may not exist yet: no worker has got as far as migrating.
      const [row] = await query<{ open: string; total: string }>(
        `SELECT COUNT(*) FILTER (WHERE state IN ('pending', 'sending', 'held')) AS open, COUNT(*) AS total FROM deliveries`,
      ).catch((err: { code?: string }) => (err.code === '42P01' ? [{ open: 'no schema yet', total: '0' }] : Promise.reject(err)));
      if (Number(row!.open) === 0 && Number(row!.total) === stories.length * 3) break;
      if (Date.now() > deadline) throw new Error(`not settled after ${SETTLE_TIMEOUT_MS} ms: ${JSON.stringify(row)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    for (const w of workers) w.child?.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));

    const rows = await query<{ channel: string; state: string; link: string }>(
      `SELECT d.channel_id AS channel, d.state, d.link_key AS link FROM deliveries d`,
    );
    const starts = await query<{ channel: string; started_at: string }>(
      `SELECT t.channel_id AS channel, t.started_at FROM attempts t JOIN deliveries d ON d.id = t.delivery_id WHERE d.dry_run = 0 ORDER BY t.started_at`,
    );
    const posted = {
      x: countBy(x.tweets.map((t) => storyOf(t.text))),
      telegram: countBy(telegram.messages.map((m) => storyOf(m.text))),
      mastodon: countBy(mastodon.posts.map((p) => storyOf(p.text))),
    };
    const table = ['platform  articles  posted  duplicates  lost  in doubt'];
    for (const channel of ['x', 'telegram', 'mastodon'] as const) {
      const states = new Map(rows.filter((r) => r.channel === channel).map((r) => [storyOf(r.link), r.state]));
      const duplicates = stories.filter((s) => (posted[channel].get(s) ?? 0) > 1);
      const lost = stories.filter((s) => !posted[channel].has(s) && states.get(s) !== 'in_doubt');
      const inDoubt = stories.filter((s) => states.get(s) === 'in_doubt');
      const times = starts.filter((s) => s.channel === channel).map((s) => Number(s.started_at));
      const tooClose = times.slice(1).filter((t, i) => t - times[i]! < SPACING_MS);
      table.push(
        `${channel.padEnd(9)} ${String(stories.length).padStart(8)} ${String(posted[channel].size).padStart(7)} ${String(duplicates.length).padStart(11)} ${String(lost.length).padStart(5)} ${String(inDoubt.length).padStart(9)}`,
      );
      expect({ channel, duplicates, lost, tooClose }).toEqual({ channel, duplicates: [], lost: [], tooClose: [] });
      if (channel !== 'telegram') expect({ channel, inDoubt }).toEqual({ channel, inDoubt: [] });
    }
    expect(overlaps).toEqual([]);
    process.stdout.write(`workers run: ${KILLS} kills\n${table.join('\n')}\n`);
  }, 600_000);
});
