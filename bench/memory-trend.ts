/**
 * Resident memory over many cycles of the daemon (`npm run bench -- memory-trend`): the real
 * scheduler (src/scheduler/daemon.ts) with its delivery worker, heartbeat and metrics, as
 * `herald run` wires them, over loopback feeds and dry-run channels on a SQLite store. Each
 * feed is due again as soon as it is polled, so a cycle (every feed polled once more) takes no
 * cron wait; every poll after the first is answered 304. Every tenth cycle a full collection
 * runs and RSS and the live heap are read: their trend (least-squares slope over the cycles
 * after the first tenth) is printed with the first and last readings. Read between
 * collections, RSS is V8's garbage piling up until its next major GC (a saw tooth whose slope
 * says nothing of a leak): its highest reading is printed beside. Flat is a slope near 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { pino } from 'pino';
import { adapters } from '../adapters/index.ts';
import { buildConfigSchema } from '../src/config/schema.ts';
import { channelRuntimes } from '../src/delivery/channels.ts';
import { HeraldMetrics } from '../src/http/metrics.ts';
import { makeRedactor } from '../src/redact.ts';
import { Daemon } from '../src/scheduler/daemon.ts';
import { WorkerSession } from '../src/scheduler/worker-session.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { startFeedServer } from './loopback.ts';
import { PLATFORM_KEYS } from './platform-keys.ts';

type Report = (name: string, value: number, unit: string, detail?: string) => void;

const CYCLES = Number(process.env.HERALD_BENCH_CYCLES ?? 1_000);
const FEEDS = 10;
const CHANNELS = 10;
const ITEMS_PER_FEED = 20;
/** Cycles between two readings after a full collection. */
const SAMPLE_EVERY = 10;

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Heap in use after a full collection: what is really kept, unlike RSS, which the allocator may hold on to. */
function liveHeapMb(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / 1_048_576;
}

const num = (value: number) => (Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2));

/** Least-squares slope of `ys` against their index. */
function slope(ys: number[]): number {
  const n = ys.length;
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

/** The config `herald run` would load: the feeds on loopback (the first poll posts two items of each), dry-run channels of ten platforms. */
function config(port: number) {
  return buildConfigSchema(Object.values(adapters)).parse({
    store: ':memory:',
    feeds: Array.from({ length: FEEDS }, (_, i) => ({ id: `feed-${i}`, url: `http://127.0.0.1:${port}/feeds/${i}/`, backfill: 2 })),
    channels: Object.keys(PLATFORM_KEYS)
      .slice(0, CHANNELS)
      .map((platform) => ({ id: `${platform}-bench`, platform, dryRun: true, ...PLATFORM_KEYS[platform] })),
  });
}

export async function benchMemoryTrend(report: Report, tmp: string): Promise<void> {
  const server = await startFeedServer(FEEDS, ITEMS_PER_FEED, Date.now() - 60_000);
  const dir = fs.mkdtempSync(path.join(tmp, 'memory-trend-'));
  const store = SqliteStore.open(path.join(dir, 'trend.db'));
  const logger = pino({ level: 'silent' });
  const redact = makeRedactor([]);
  const { feeds, channels: channelConfigs } = config(server.port);
  const channels = channelRuntimes(channelConfigs, adapters, logger, true);
  const metrics = new HeraldMetrics({ store, credentials: store, channelIds: channels.map((c) => c.id) });
  const session = new WorkerSession(store, channels, { logger, redact, sendTimeoutMs: 30_000 });
  const samples: { cycle: number; rssMb: number; heapMb: number }[] = [];
  let highestRssMb = 0;
  let cycles = 0;
  let polls = 0;
  let failed = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const daemon = new Daemon(store, session, {
    feeds,
    channels,
    polling: { concurrency: FEEDS, perHost: FEEDS },
    baseDir: dir,
    userAgent: 'Herald-bench',
    logger,
    redact,
    shutdownGraceMs: 1_000,
    nextPollAt: (_feed, now) => now,
    onPoll: (result) => {
      metrics.pollFinished(result.feedId, !result.ok ? 'failed' : result.notModified ? 'not_modified' : 'changed');
      if (!result.ok) failed++;
      if (++polls % FEEDS !== 0) return;
      cycles++;
      highestRssMb = Math.max(highestRssMb, process.memoryUsage.rss() / 1_048_576);
      if (cycles % SAMPLE_EVERY === 0 || cycles === 1) {
        const heapMb = liveHeapMb();
        samples.push({ cycle: cycles, rssMb: process.memoryUsage.rss() / 1_048_576, heapMb });
      }
      if (cycles === CYCLES) done();
    },
  });
  try {
    await session.start();
    daemon.start();
    await finished;
    await daemon.stop();
    const sent = (await store.deliveries()).filter((d) => d.state === 'sent').length;
    const steady = samples.filter((x) => x.cycle > CYCLES / 10);
    const perThousandCycles = (ys: number[]) => (slope(ys) / SAMPLE_EVERY) * 1_000;
    const [first, from, last] = [samples[0]!, steady[0]!, samples.at(-1)!];
    const at = (x: typeof first) => `${x.rssMb.toFixed(1)} MB after cycle ${x.cycle} (live heap ${x.heapMb.toFixed(1)} MB)`;
    report(
      'memory trend over daemon cycles',
      perThousandCycles(steady.map((x) => x.rssMb)),
      'MB per 1,000 cycles',
      `rss after a full GC: ${at(first)}, ${at(from)}, ${at(last)}; live heap ${num(perThousandCycles(steady.map((x) => x.heapMb)))} MB per 1,000 cycles; ` +
        `highest rss between collections ${highestRssMb.toFixed(1)} MB; ${CYCLES} cycles × ${FEEDS} feeds, all 304 after the first, ` +
        `${CHANNELS} dry-run channels (${sent} posts)${failed > 0 ? `; ${failed} polls FAILED` : ''}`,
    );
  } finally {
    await store.close();
    await server.stop();
  }
}
