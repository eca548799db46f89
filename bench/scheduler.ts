/**
 * The daemon's one timer over 10,000 feeds, each on its own once-a-minute cron schedule
 * (feed i at second i mod 60, so about 170 fall due each second), every poll answered 304 by
 * a loopback server. Prints the poll lag (schedule tick → request started) at the 50th and
 * 99th percentile, over the minute after the first full round.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { feedSchema } from '../src/config/feed-schema.ts';
import { DEFAULT_POLLING } from '../src/config/polling-schema.ts';
import { makeRedactor } from '../src/redact.ts';
import { Daemon } from '../src/scheduler/daemon.ts';
import { WorkerSession } from '../src/scheduler/worker-session.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';

const FEEDS = Number(process.env.HERALD_BENCH_SCHEDULED_FEEDS ?? 10_000);
const MEASURED_MS = 60_000;

export async function benchScheduler(report: (name: string, value: number, unit: string, note: string) => void): Promise<void> {
  const starts: number[][] = Array.from({ length: FEEDS }, () => []);
  const server = http.createServer((req, res) => {
    const i = Number(/^\/feeds\/(\d+)\//.exec(req.url ?? '')?.[1]);
    starts[i]?.push(Date.now());
    if (req.headers['if-none-match']) res.writeHead(304, { etag: '"v1"' }).end();
    else res.writeHead(200, { etag: '"v1"', 'content-type': 'application/rss+xml' }).end('<rss version="2.0"><channel><title>t</title></channel></rss>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bench-scheduler-'));
  const store = SqliteStore.open(path.join(dir, 'scheduler.db'));
  const logger = pino({ level: process.env.HERALD_BENCH_LOG ?? 'silent' });
  const redact = makeRedactor([]);
  const feeds = Array.from({ length: FEEDS }, (_, i) =>
    feedSchema.parse({ id: `f${i}`, url: `http://127.0.0.1:${port}/feeds/${i}/`, schedule: `${i % 60} * * * * *` }),
  );
  const session = new WorkerSession(store, [], { logger, redact, sendTimeoutMs: 30_000 });
  const daemon = new Daemon(store, session, { feeds, channels: [], polling: { ...DEFAULT_POLLING, perHost: DEFAULT_POLLING.concurrency }, baseDir: dir, userAgent: 'Herald-bench', logger, redact, shutdownGraceMs: 1000 });
  const began = Date.now();
  let firstRoundMs = 0;
  let measuredFrom = Infinity;
  try {
    await session.start();
    daemon.start();
    // The first round polls every never-polled feed at once; the minute after it is measured.
    while (starts.some((t) => t.length === 0)) await new Promise((resolve) => setTimeout(resolve, 500));
    firstRoundMs = Date.now() - began;
    measuredFrom = Date.now();
    await new Promise((resolve) => setTimeout(resolve, MEASURED_MS));
  } finally {
    await daemon.stop();
    await store.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const lags = starts.flatMap((times, i) =>
    times.filter((t) => t >= measuredFrom).map((t) => (((t - (i % 60) * 1000) % 60_000) + 60_000) % 60_000),
  );
  lags.sort((a, b) => a - b);
  const at = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? NaN;
  report(
    'scheduler poll lag p99',
    at(0.99),
    'ms',
    `due → started; p50 ${at(0.5)} ms; ${FEEDS} feeds each on its own once-a-minute cron, one timer; ${lags.length} scheduled polls in ${MEASURED_MS / 1000} s, all 304; first round (every feed new) ${(firstRoundMs / 1000).toFixed(1)} s`,
  );
}
