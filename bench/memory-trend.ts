/**
 * Resident memory over many poll cycles (`npm run bench -- memory-trend`): 1,000 cycles of
 * pollFeeds over the same loopback feeds, every one answered 304 after the first, on a
 * SQLite store; RSS is read after each cycle and its trend (least-squares slope over the
 * cycles after the first tenth) printed with the first and last readings. Flat is a slope
 * near 0. These are the polls the daemon makes, without its cron waits between them.
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { pino } from 'pino';
import { feedSchema } from '../src/config/feed-schema.ts';
import { makeRedactor } from '../src/redact.ts';
import { pollFeeds } from '../src/scheduler/cycle.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import { startFeedServer } from './loopback.ts';

type Report = (name: string, value: number, unit: string, detail?: string) => void;

const CYCLES = Number(process.env.HERALD_BENCH_CYCLES ?? 1_000);
const FEEDS = 10;
const ITEMS_PER_FEED = 20;

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Heap in use after a full collection: what is really kept, unlike RSS, which the allocator may hold on to. */
function liveHeapMb(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / 1_048_576;
}

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

export async function benchMemoryTrend(report: Report, tmp: string): Promise<void> {
  const server = await startFeedServer(FEEDS, ITEMS_PER_FEED, Date.now() - 60_000);
  const dir = fs.mkdtempSync(path.join(tmp, 'memory-trend-'));
  const store = SqliteStore.open(path.join(dir, 'trend.db'));
  try {
    const feeds = Array.from({ length: FEEDS }, (_, i) => feedSchema.parse({ id: `feed-${i}`, url: `http://127.0.0.1:${server.port}/feeds/${i}/` }));
    const opts = { ledger: store, baseDir: dir, userAgent: 'Herald-bench', logger: pino({ level: 'silent' }), redact: makeRedactor([]) };
    const limits = { concurrency: FEEDS, perHost: FEEDS };
    const rssMb: number[] = [];
    let heapAtTenth = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      await pollFeeds(feeds, [], limits, opts);
      rssMb.push(process.memoryUsage.rss() / 1_048_576);
      if (cycle === Math.floor(CYCLES / 10)) heapAtTenth = liveHeapMb();
    }
    const heapAtEnd = liveHeapMb();
    const steady = rssMb.slice(Math.floor(CYCLES / 10));
    const perThousand = slope(steady) * 1_000;
    report(
      'memory trend over poll cycles',
      perThousand,
      'MB per 1,000 cycles',
      `rss after cycle 1 ${rssMb[0]!.toFixed(1)} MB, after cycle ${Math.floor(CYCLES / 10) + 1} ${steady[0]!.toFixed(1)} MB, ` +
        `after cycle ${CYCLES} ${rssMb[CYCLES - 1]!.toFixed(1)} MB, highest ${Math.max(...rssMb).toFixed(1)} MB; ${CYCLES} cycles × ${FEEDS} feeds, all 304 after the first; live heap after a full GC ${heapAtTenth.toFixed(1)} MB at cycle ${Math.floor(CYCLES / 10) + 1}, ${heapAtEnd.toFixed(1)} MB at the end`,
    );
  } finally {
    await store.close();
    await server.stop();
  }
}
