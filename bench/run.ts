/**
 * Herald's benchmark (`npm run bench`, or `npm run bench -- poll delivery` for some
 * sections): rendering, parsing, ingest, polling many feeds from one process, and delivery
 * bookkeeping. Speed and memory targets live here, not in the tests.
 *
 * Prints one line per measure, `name: value unit`, details in parentheses. Times are wall
 * clock; the CPU time of the process is given beside them, which stays meaningful when
 * other processes share the machine. Uses only a loopback feed server it starts itself (a
 * child process, so its memory is not counted as Herald's) and a temporary folder it removes.
 */
// The heap policy of a Herald process, for what the benchmark runs in its own.
import '../src/heap-policy.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { pino } from 'pino';
import { adapters } from '../adapters/index.ts';
import type { Article } from '../src/article.ts';
import { feedSchema, type FeedConfig } from '../src/config/feed-schema.ts';
import { buildConfigSchema } from '../src/config/schema.ts';
import { DEFAULT_RETRY_POLICY } from '../src/delivery/backoff.ts';
import { channelRuntimes, type ChannelRuntime } from '../src/delivery/channels.ts';
import { DeliveryWorker } from '../src/delivery/worker.ts';
import { decodeFeedBytes } from '../src/feeds/decode.ts';
import { parseFeed } from '../src/feeds/parse.ts';
import { makeRedactor } from '../src/redact.ts';
import { renderPost } from '../src/render/render.ts';
import { DEFAULT_POLLING } from '../src/config/polling-schema.ts';
import { pollFeeds } from '../src/scheduler/cycle.ts';
import { openDb, type Db } from '../src/store/sqlite/db.ts';
import * as ledger from '../src/store/sqlite/ledger.ts';
import * as outbox from '../src/store/sqlite/outbox.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { planIngest } from '../src/feeds/policy.ts';
import type { HttpCache } from '../src/feeds/fetch.ts';
import { benchCli } from './cli.ts';
import { benchMemoryTrend } from './memory-trend.ts';
import { benchRenderCost } from './render-cost.ts';
import { benchScheduler } from './scheduler.ts';
import { serverStats, startFeedServer } from './loopback.ts';
import { hugeSummary, outletArticle, outletFeedXml } from './outlet.ts';
import { benchPlanner } from './planner.ts';
import { PLATFORM_KEYS } from './platform-keys.ts';
import { benchStore } from './store.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = path.join(ROOT, 'tests/fixtures/feeds');
const FIXTURE = path.join(ROOT, 'tests/fixtures/astanatimes-feed.xml');

const RENDER_ARTICLES = 3_000;
/** A platform whose rendering is this slow gets measured on fewer articles. */
const RENDER_BUDGET_MS = 1_000;
const WORST_SUMMARY_CHARS = 20_000;
const CORPUS_FILES = 6;
const FEEDS = 1_000;
const ITEMS_PER_FEED = 20;
const BACKFILL = 2;
const DELIVERIES = 5_000;
const BOOKKEEPING_SAMPLE = 1_000;
const MEMORY_SAMPLE_MS = 50;
/** One loopback host serves every feed: the per-host limit is lifted to the overall one. */
const POLLING = { ...DEFAULT_POLLING, perHost: DEFAULT_POLLING.concurrency };

const silent = pino({ level: 'silent' });
const started = performance.now();
const now = Date.now();

// ---------------------------------------------------------------- output and timing

function num(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toString();
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function report(name: string, value: number, unit: string, detail?: string): void {
  process.stdout.write(`${name}: ${num(value)} ${unit}${detail ? ` (${detail})` : ''}\n`);
}

const mb = (bytes: number) => bytes / 1_048_576;

interface Timing {
  /** Wall-clock milliseconds. */
  ms: number;
  /** CPU milliseconds of this process (all its threads), for comparison on a busy machine. */
  cpuMs: number;
}

function clock(): () => Timing {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
  };
}

/** Runs `round` until at least `minMs` have passed and `minRounds` rounds are done. */
async function repeat(minMs: number, minRounds: number, round: () => unknown): Promise<Timing & { rounds: number }> {
  let rounds = 0;
  const started = performance.now();
  const elapsed = clock();
  while (rounds < minRounds || performance.now() - started < minMs) {
    await round();
    rounds++;
  }
  return { rounds, ...elapsed() };
}

async function timed<T>(run: () => Promise<T> | T): Promise<Timing & { value: T }> {
  const elapsed = clock();
  const value = await run();
  return { value, ...elapsed() };
}

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Peak RSS and heap, sampled every `everyMs` while the returned sampler runs. */
function sampleMemory(everyMs: number) {
  let peakRss = 0;
  let peakHeap = 0;
  const tick = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return { peakRss, peakHeap };
    },
  };
}

// ---------------------------------------------------------------- channels of every platform

function benchChannels(): ChannelRuntime[] {
  const missing = Object.keys(adapters).filter((p) => !PLATFORM_KEYS[p]);
  if (missing.length > 0) throw new Error(`bench/run.ts has no channel keys for platform(s) ${missing.join(', ')}: add them to PLATFORM_KEYS`);
  const parsed = buildConfigSchema(Object.values(adapters)).safeParse({
    store: ':memory:',
    feeds: [{ id: 'astanatimes', url: 'https://astanatimes.com/feed/' }],
    channels: Object.keys(adapters).map((platform) => ({
      id: `${platform}-bench`,
      platform,
      dryRun: true,
      hashtags: { fromCategories: true, max: 3 },
      utm: { source: platform, medium: 'social' },
      ...PLATFORM_KEYS[platform],
    })),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`bench channel config is invalid:\n${problems}`);
  }
  return channelRuntimes(parsed.data.channels, adapters, silent, true);
}

function channel(channels: ChannelRuntime[], platform: string): ChannelRuntime {
  const found = channels.find((c) => c.config.platform === platform);
  if (!found) throw new Error(`no ${platform} channel`);
  return found;
}

// ---------------------------------------------------------------- 1. rendering

async function benchRendering(channels: ChannelRuntime[]): Promise<void> {
  const articles = Array.from({ length: RENDER_ARTICLES }, (_, n) => outletArticle(n, 'astanatimes', new Date(now - n * 60_000)));
  const worst: Article = { ...articles[0]!, summary: hugeSummary(WORST_SUMMARY_CHARS) };
  for (const runtime of channels) {
    const { rules } = await runtime.adapter();
    const render = (article: Article) => renderPost(article, runtime.config, rules);
    for (const article of articles.slice(0, 200)) render(article);

    let rendered = 0;
    let shortened = 0;
    let unrenderable = 0;
    const elapsed = clock();
    for (const article of articles) {
      const outcome = render(article);
      rendered++;
      if (!outcome.ok) unrenderable++;
      else if (outcome.post.shortened) shortened++;
      if (rendered % 100 === 0 && elapsed().ms > RENDER_BUDGET_MS) break;
    }
    const pass = elapsed();
    const extra = pass.ms < 300 ? await repeat(300 - pass.ms, 1, () => articles.forEach(render)) : { rounds: 0, ms: 0, cpuMs: 0 };
    const posts = rendered + extra.rounds * articles.length;
    const ms = pass.ms + extra.ms;
    const cpuMs = pass.cpuMs + extra.cpuMs;
    const notes = [
      `${num((ms * 1000) / posts)} µs/post wall, ${num((cpuMs * 1000) / posts)} µs/post cpu`,
      rendered < articles.length ? `${rendered} of ${articles.length} articles in the ${RENDER_BUDGET_MS / 1000} s budget` : `${articles.length} articles`,
      `${Math.round((shortened / rendered) * 100)}% shortened`,
    ];
    if (unrenderable > 0) notes.push(`${unrenderable} not renderable: no image`);
    report(`render ${runtime.config.platform}`, posts / (ms / 1000), 'posts/s', notes.join(', '));

    const outcome = render(worst);
    const worstRun = await repeat(200, 2, () => render(worst));
    const result = outcome.ok
      ? `${outcome.post.shortened ? 'shortened' : 'NOT shortened'} to ${outcome.post.lengths.map((l) => `${l.length}/${l.limit} ${l.unit}`).join(', ')}`
      : `not renderable: ${outcome.reason}`;
    report(
      `render ${runtime.config.platform} worst case`,
      (worstRun.ms * 1000) / worstRun.rounds,
      'µs/post',
      `${num((worstRun.cpuMs * 1000) / worstRun.rounds)} µs/post cpu; ${WORST_SUMMARY_CHARS}-character summary, ${result}`,
    );
  }
}

// ---------------------------------------------------------------- 2. parsing

function largestCorpusFiles(count: number): string[] {
  if (!fs.existsSync(CORPUS)) return [];
  const files = fs
    .readdirSync(CORPUS, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
  return files
    .map((file) => ({ file, size: fs.statSync(file).size }))
    .sort((a, b) => b.size - a.size)
    .slice(0, count)
    .map((f) => f.file);
}

async function benchParsing(): Promise<void> {
  const inputs = [
    { name: path.basename(FIXTURE), bytes: fs.readFileSync(FIXTURE) },
    { name: `generated outlet feed (as served in the poll test)`, bytes: Buffer.from(outletFeedXml(0, ITEMS_PER_FEED, now)) },
    ...largestCorpusFiles(CORPUS_FILES).map((file) => ({ name: path.relative(CORPUS, file), bytes: fs.readFileSync(file) })),
  ];
  if (inputs.length === 2) process.stdout.write(`parse: corpus ${CORPUS} not found, fixture only\n`);
  const feed = { id: 'bench', url: 'https://astanatimes.com/feed/' };
  const total = { bytes: 0, items: 0, ms: 0, cpuMs: 0 };
  for (const { name, bytes } of inputs) {
    const parse = async () => parseFeed(decodeFeedBytes(bytes), feed);
    let items: number;
    try {
      items = (await parse()).articles.length;
      await parse();
      await parse();
    } catch (err) {
      process.stdout.write(`parse ${name}: failed (${err instanceof Error ? err.message : String(err)})\n`);
      continue;
    }
    const { rounds, ms, cpuMs } = await repeat(400, 3, parse);
    const seconds = ms / 1000;
    total.bytes += rounds * bytes.length;
    total.items += rounds * items;
    total.ms += ms;
    total.cpuMs += cpuMs;
    report(
      `parse ${name}`,
      mb(rounds * bytes.length) / seconds,
      'MB/s',
      `${num((rounds * items) / seconds)} items/s, ${num(ms / rounds)} ms/feed wall, ${num(cpuMs / rounds)} ms/feed cpu; ${num(bytes.length / 1024)} KB, ${items} items`,
    );
  }
  report(
    'parse all files',
    mb(total.bytes) / (total.ms / 1000),
    'MB/s',
    `${num(total.items / (total.ms / 1000))} items/s; by cpu time ${num(mb(total.bytes) / (total.cpuMs / 1000))} MB/s, ${num(total.items / (total.cpuMs / 1000))} items/s`,
  );
}

// ---------------------------------------------------------------- 3. ingest

function benchFeeds(count: number, url: (i: number) => string, extra: Partial<FeedConfig> = {}): FeedConfig[] {
  return Array.from({ length: count }, (_, i) => feedSchema.parse({ id: `feed-${i}`, url: url(i), backfill: BACKFILL, ...extra }));
}

function feedArticles(feeds: FeedConfig[], items: number): Article[][] {
  return feeds.map((feed, f) =>
    Array.from({ length: items }, (_, i) => outletArticle(f * items + i, feed.id, new Date(now - 60_000 - i * 37 * 60_000))),
  );
}

/** One poll's bookkeeping on the SQLite store, synchronously: look up, decide, record. */
function ingest(db: Db, feed: FeedConfig, articles: Article[], channelIds: string[], cache: HttpCache, at: number): void {
  const known = ledger.knownArticles(db, feed.id, articles);
  const firstPoll = ledger.feedState(db, feed.id).firstPolledAt === undefined;
  const listed = articles.map((article) => ({ ...article, article: () => article }));
  ledger.record(db, planIngest({ feed, articles: listed, known, firstPoll, channelIds, cache, now: at }).plan);
}

const nextDue = (db: Db, channelId: string, at: number) => outbox.channelQueue(db, channelId, at, at).next;

function countDeliveries(db: Db, state: string): number {
  return db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM deliveries WHERE state = ?').get(state)!.n;
}

async function benchIngest(dir: string, channelIds: string[]): Promise<void> {
  const file = path.join(dir, 'ingest.db');
  const db = openDb(file);
  try {
    const feeds = benchFeeds(FEEDS, (i) => `https://astanatimes.com/feed/${i}/`);
    const lists = feedArticles(feeds, ITEMS_PER_FEED);
    const articles = FEEDS * ITEMS_PER_FEED;
    const poll = () => feeds.forEach((feed, f) => ingest(db, feed, lists[f]!, channelIds, { etag: `"feed-${f}-v1"` }, now));

    const first = await timed(poll);
    const queued = countDeliveries(db, 'pending');
    report(
      'ingest first poll',
      articles / (first.ms / 1000),
      'articles/s',
      `${num(first.ms / FEEDS)} ms/feed wall, ${num(first.cpuMs / FEEDS)} ms/feed cpu; ${FEEDS} feeds × ${ITEMS_PER_FEED} items, ` +
        `backfill ${BACKFILL}, ${channelIds.length} channels: ${queued} deliveries queued`,
    );
    const steady = await timed(poll);
    const queuedAfter = countDeliveries(db, 'pending');
    report(
      'ingest steady state',
      articles / (steady.ms / 1000),
      'articles/s',
      `${num(steady.ms / FEEDS)} ms/feed wall, ${num(steady.cpuMs / FEEDS)} ms/feed cpu; same items again: ${queuedAfter - queued} new deliveries`,
    );
    db.pragma('wal_checkpoint(TRUNCATE)');
    report('ingest store size', mb(fs.statSync(file).size), 'MB', `${articles} articles, ${queued} deliveries`);
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------- 4. one process, many feeds

async function benchPolling(dir: string, channels: ChannelRuntime[]): Promise<void> {
  const server = await startFeedServer(FEEDS, ITEMS_PER_FEED, now - 60_000);
  const db = openDb(path.join(dir, 'poll.db'));
  try {
    const feeds = benchFeeds(FEEDS, (i) => `http://127.0.0.1:${server.port}/feeds/${i}/`);
    const opts = { ledger: new SqliteStore(db, 'poll.db'), baseDir: dir, userAgent: 'Herald-bench', logger: silent, redact: makeRedactor([]) };

    collectGarbage();
    const baseline = process.memoryUsage();
    const memory = sampleMemory(MEMORY_SAMPLE_MS);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const rounds = [];
    for (let round = 1; round <= 2; round++) rounds.push(await timed(() => pollFeeds(feeds, channels, POLLING, opts)));
    loopDelay.disable();
    const peak = memory.stop();
    const after = process.memoryUsage();
    collectGarbage();
    const afterGc = process.memoryUsage();

    const [full, conditional] = rounds as [(typeof rounds)[number], (typeof rounds)[number]];
    const results = (round: typeof full) => round.value;
    const queued = results(full).reduce((sum, r) => sum + (r.ok ? (r.report?.queued ?? 0) : 0), 0);
    const failures = (round: typeof full) => {
      const bad = results(round).filter((r) => !r.ok);
      return bad.length > 0 ? `; ${bad.length} FAILED, first: ${bad[0]!.ok ? '' : bad[0]!.error}` : '';
    };
    report(
      'poll round 1 full fetch',
      full.ms / 1000,
      's',
      `${num(FEEDS / (full.ms / 1000))} feeds/s, ${num(mb(server.bytes) / (full.ms / 1000))} MB/s, cpu ${num(full.cpuMs / 1000)} s; ` +
        `${FEEDS} feeds × ${ITEMS_PER_FEED} items, ${num(mb(server.bytes))} MB, concurrency ${POLLING.concurrency}; ${queued} deliveries queued${failures(full)}`,
    );
    const notModified = results(conditional).filter((r) => r.ok && r.notModified).length;
    report(
      'poll round 2 not modified',
      conditional.ms / 1000,
      's',
      `${num(FEEDS / (conditional.ms / 1000))} feeds/s, cpu ${num(conditional.cpuMs / 1000)} s; ${notModified} of ${FEEDS} not modified${failures(conditional)}`,
    );
    const stats = await serverStats(server);
    report('poll server answers 304', stats.notModified ?? 0, 'responses', `${stats.full ?? 0} full bodies, ${stats.notFound ?? 0} not found`);
    report('poll event-loop delay max', loopDelay.max / 1e6, 'ms', `p99 ${num(loopDelay.percentile(99) / 1e6)} ms, mean ${num(loopDelay.mean / 1e6)} ms over both rounds`);
    report('poll peak rss', mb(peak.peakRss), 'MB', `baseline before the rounds ${num(mb(baseline.rss))} MB, sampled every ${MEMORY_SAMPLE_MS} ms`);
    report('poll peak heap used', mb(peak.peakHeap), 'MB', `baseline ${num(mb(baseline.heapUsed))} MB`);
    report('poll rss after the rounds', mb(after.rss), 'MB', `heap used ${num(mb(after.heapUsed))} MB; after a forced GC: rss ${num(mb(afterGc.rss))} MB, heap used ${num(mb(afterGc.heapUsed))} MB`);
  } finally {
    db.close();
    await server.stop();
  }
}

// ---------------------------------------------------------------- 5. delivery

/** A store with `count` pending deliveries on `channelId` (feeds of ITEMS_PER_FEED items, all posted on first poll). */
function queuedStore(file: string, channelId: string, count: number): Db {
  const db = openDb(file);
  const feeds = benchFeeds(Math.ceil(count / ITEMS_PER_FEED), (i) => `https://astanatimes.com/feed/${i}/`, { backfill: ITEMS_PER_FEED });
  const lists = feedArticles(feeds, ITEMS_PER_FEED);
  db.transaction(() => feeds.forEach((feed, f) => ingest(db, feed, lists[f]!, [channelId], {}, now)))();
  const pending = countDeliveries(db, 'pending');
  if (pending !== count) throw new Error(`expected ${count} pending deliveries, the store has ${pending}`);
  return db;
}

async function benchDelivery(dir: string, consoleChannel: ChannelRuntime): Promise<void> {
  const db = queuedStore(path.join(dir, 'delivery.db'), consoleChannel.id, DELIVERIES);
  try {
    const outcomes = new Map<string, number>();
    const worker = new DeliveryWorker(new SqliteStore(db, 'delivery.db'), [consoleChannel], {
      workerId: 'bench',
      logger: silent,
      redact: makeRedactor([]),
      retry: DEFAULT_RETRY_POLICY,
      sendTimeoutMs: 30_000,
      onEvent: (e) => outcomes.set(e.outcome, (outcomes.get(e.outcome) ?? 0) + 1),
    });
    const { ms, cpuMs } = await timed(() => worker.drain());
    const tally = [...outcomes].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
    report(
      'delivery drain',
      DELIVERIES / (ms / 1000),
      'deliveries/s',
      `${num(ms / DELIVERIES)} ms/delivery wall, ${num(cpuMs / DELIVERIES)} ms/delivery cpu; ${DELIVERIES} queued on one dry-run console channel: ${tally}`,
    );
  } finally {
    db.close();
  }

  // Where a delivery's time goes, each step alone on a fresh queue.
  for (const pending of [3 * ITEMS_PER_FEED, DELIVERIES]) {
    const queue = queuedStore(path.join(dir, `delivery-next-${pending}.db`), consoleChannel.id, pending);
    try {
      const next = await repeat(300, 20, () => nextDue(queue, consoleChannel.id, now));
      report(`delivery nextDue with ${pending} pending`, (next.ms * 1000) / next.rounds, 'µs/call', `${num((next.cpuMs * 1000) / next.rounds)} µs/call cpu`);
    } finally {
      queue.close();
    }
  }

  const parts = queuedStore(path.join(dir, 'delivery-parts.db'), consoleChannel.id, 2 * BOOKKEEPING_SAMPLE);
  try {
    const { rules } = await consoleChannel.adapter();
    const first = nextDue(parts, consoleChannel.id, now)!;
    const rendered = renderPost(first.article, consoleChannel.config, rules);
    if (!rendered.ok) throw new Error(rendered.reason);
    const ids = parts
      .prepare<[], { id: number }>(`SELECT id FROM deliveries WHERE state = 'pending' ORDER BY id`)
      .all()
      .map((r) => r.id);
    const bookkeeping = async (slice: number[], name: string, note: string) => {
      const { ms, cpuMs } = await timed(() => {
        for (const id of slice) {
          const attempt = outbox.claim(parts, id, rendered.post, 'bench', now)!;
          outbox.settle(parts, id, attempt, { state: 'sent', outcome: 'dry-run' }, now);
        }
      });
      report(name, (ms * 1000) / slice.length, 'µs/delivery', `${num((cpuMs * 1000) / slice.length)} µs/delivery cpu; ${note}`);
    };
    await bookkeeping(ids.slice(0, BOOKKEEPING_SAMPLE), 'delivery claim+settle', 'two transactions, synchronous=FULL');
    parts.pragma('synchronous = NORMAL');
    await bookkeeping(ids.slice(BOOKKEEPING_SAMPLE), 'delivery claim+settle at synchronous=NORMAL', 'comparison only: Herald runs FULL');
  } finally {
    parts.close();
  }
}

// ---------------------------------------------------------------- main

const loadAverage = () => os.loadavg()[0]!.toFixed(2);
const busy = () => os.loadavg()[0]! > 0.5;

async function main(): Promise<void> {
  const cpus = os.cpus();
  process.stdout.write(
    `herald bench: node ${process.version}, ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${os.platform()} ${os.arch()}, ` +
      `${num(mb(os.totalmem()) / 1024)} GB RAM, load average ${loadAverage()}${busy() ? ' (other processes are using the CPUs: wall times are inflated, compare cpu times)' : ''}\n`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bench-'));
  const channels = benchChannels();
  const posting = ['x', 'telegram', 'mastodon'].map((p) => channel(channels, p));
  const sections: Record<string, () => Promise<void>> = {
    render: () => benchRendering(channels),
    parse: () => benchParsing(),
    ingest: () =>
      benchIngest(
        dir,
        posting.map((c) => c.id),
      ),
    poll: () => benchPolling(dir, posting),
    delivery: () => benchDelivery(dir, channel(channels, 'console')),
    store: () => benchStore(),
    planner: () => benchPlanner(report),
    cli: () => benchCli(report, dir),
    'render-cost': () => benchRenderCost(report, channels),
    scheduler: () => benchScheduler(report),
    'memory-trend': () => benchMemoryTrend(report, dir),
  };
  // `npm run bench -- poll delivery` runs only those sections.
  const chosen = process.argv.slice(2);
  const unknown = chosen.filter((name) => !sections[name]);
  if (unknown.length > 0) throw new Error(`unknown bench section(s) ${unknown.join(', ')}: use ${Object.keys(sections).join(', ')}`);
  try {
    for (const [name, run] of Object.entries(sections)) if (chosen.length === 0 || chosen.includes(name)) await run();
  } finally {
    await Promise.all(channels.map((c) => c.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`bench load average at the end: ${loadAverage()}\n`);
  process.stdout.write(`bench: done in ${Math.round((performance.now() - started) / 1000)} s\n`);
}

await main();
