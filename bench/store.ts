/**
 * The store, backend beside backend (`npm run bench -- store`): ingest per article and
 * claim+settle per delivery, then delivery throughput with 1, 2 and 4 workers sharing one
 * PostgreSQL over a queue spread across many channels. Workers run in this process, each with
 * its own pool and leases (as separate processes would); sends are instant (dry runs), so what
 * is measured is the store's bookkeeping.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Article } from '../src/article.ts';
import type { IngestPlan } from '../src/feeds/ledger.ts';
import type { RenderedPost } from '../src/platform.ts';
import { openPostgresStore } from '../src/store/postgres/store.ts';
import { SqliteStore } from '../src/store/sqlite/store.ts';
import type { Store } from '../src/store/store.ts';

interface StoreBackend {
  name: string;
  /** A new, empty store and how to get rid of it. */
  open(): Promise<{ store: Store; dispose(): Promise<void> }>;
}

const INGEST_POLLS = 50;
const ITEMS_PER_POLL = 10;
const INGEST_CHANNELS = ['x', 'telegram', 'mastodon'];
const CLAIMED = 600;
const THROUGHPUT_CHANNELS = 64;
const THROUGHPUT_DELIVERIES = 1_280;
const WORKER_COUNTS = [1, 2, 4];

const ADMIN_URL = process.env.HERALD_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function print(name: string, value: number, unit: string, detail?: string): void {
  const shown = Math.abs(value) >= 100 ? Math.round(value).toString() : value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
  process.stdout.write(`${name}: ${shown} ${unit}${detail ? ` (${detail})` : ''}\n`);
}

const rendered: RenderedPost = {
  layout: 'text',
  text: 'Kazakhstan, US Maintain Constructive Dialogue on Human Rights https://astanatimes.com/x',
  lengths: [{ unit: 'chars', length: 86, limit: 280 }],
  shortened: false,
  link: 'https://astanatimes.com/x',
  title: 'Kazakhstan, US Maintain Constructive Dialogue on Human Rights',
  summary: '',
  hashtags: [],
};

function article(n: number): Article {
  return {
    id: `https://astanatimes.com/?p=${n}`,
    feedId: 'astanatimes',
    link: `https://astanatimes.com/2024/05/story-${n}/`,
    linkKey: `https://astanatimes.com/2024/05/story-${n}`,
    title: `Kazakhstan, US Maintain Constructive Dialogue on Human Rights (${n})`,
    summary: 'ASTANA – Assistant to the President of Kazakhstan for International Affairs Erzhan Kazykhan co-chaired the meeting.',
    categories: ['Nation', 'Human Rights'],
    author: 'Aida Haidar',
    publishedAt: new Date(Date.UTC(2024, 4, 20) + n * 60_000).toISOString(),
  };
}

function plan(first: number, count: number, channels: string[], now: number): IngestPlan {
  return {
    feedId: 'astanatimes',
    now,
    cache: { etag: `"${first}"` },
    seen: [],
    deliver: Array.from({ length: count }, (_, i) => ({
      article: article(first + i),
      deliveries: channels.map((channelId) => ({ channelId, state: 'pending' as const, priority: 0 })),
    })),
  };
}

/** Drains the channels this worker holds: channelQueue → claim → settle, until none has anything due. */
async function drain(store: Store, workerId: string, channels: string[], now: number): Promise<number> {
  let sent = 0;
  await store.register({ id: workerId, host: 'bench', pid: process.pid }, now);
  for (;;) {
    const mine = await store.claimChannels(workerId, channels, now);
    let progressed = false;
    for (const channelId of mine) {
      const { next } = await store.channelQueue(channelId, now, now - 86_400_000);
      if (!next) continue;
      const attempt = await store.claim(next.id, rendered, { workerId, now });
      if (attempt === undefined) continue;
      await store.settle(next.id, attempt, { state: 'sent', outcome: 'sent', remoteId: `r${next.id}` }, now);
      sent++;
      progressed = true;
    }
    if (!progressed) {
      const { pending, sending } = await store.countByState();
      if (pending + sending === 0) return sent;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

async function benchBackend(backend: StoreBackend): Promise<void> {
  const { store, dispose } = await backend.open();
  try {
    const now = Date.now();
    let t0 = performance.now();
    for (let p = 0; p < INGEST_POLLS; p++) await store.record(plan(p * ITEMS_PER_POLL, ITEMS_PER_POLL, INGEST_CHANNELS, now));
    const articles = INGEST_POLLS * ITEMS_PER_POLL;
    print(`store ${backend.name} ingest`, ((performance.now() - t0) * 1000) / articles, 'µs/article', `${articles} articles in polls of ${ITEMS_PER_POLL}, ${INGEST_CHANNELS.length} deliveries each`);

    const workerId = 'bench-1';
    await store.register({ id: workerId, host: 'bench', pid: process.pid }, now);
    await store.claimChannels(workerId, INGEST_CHANNELS, now);
    t0 = performance.now();
    for (let i = 0; i < CLAIMED; i++) {
      const { next } = await store.channelQueue(INGEST_CHANNELS[i % INGEST_CHANNELS.length]!, now, now - 86_400_000);
      const attempt = await store.claim(next!.id, rendered, { workerId, now });
      await store.settle(next!.id, attempt!, { state: 'sent', outcome: 'sent' }, now);
    }
    print(`store ${backend.name} claim+settle`, ((performance.now() - t0) * 1000) / CLAIMED, 'µs/delivery', `${CLAIMED} deliveries, channelQueue + claim + settle each`);
  } finally {
    await dispose();
  }
}

async function benchThroughput(backend: PostgresBackend): Promise<void> {
  const channels = Array.from({ length: THROUGHPUT_CHANNELS }, (_, i) => `channel-${i}`);
  let single = 0;
  for (const workers of WORKER_COUNTS) {
    const { store, dispose } = await backend.open();
    const stores: Store[] = [];
    try {
      const now = Date.now();
      for (let first = 0; first * channels.length < THROUGHPUT_DELIVERIES; first += 10) await store.record(plan(first, 10, channels, now));
      const total = (await store.countByState()).pending;
      for (let w = 0; w < workers; w++) stores.push(await backend.reopen(store));
      const t0 = performance.now();
      const sent = await Promise.all(stores.map((s, w) => drain(s, `worker-${w + 1}`, channels, now)));
      const rate = total / ((performance.now() - t0) / 1000);
      if (workers === 1) single = rate;
      print(
        `store postgres throughput, ${workers} worker${workers === 1 ? '' : 's'}`,
        rate,
        'deliveries/s',
        `${total} deliveries over ${channels.length} channels, sent per worker ${sent.join('/')}${workers > 1 ? `, ${(rate / single).toFixed(2)}x one worker` : ''}`,
      );
    } finally {
      for (const s of stores) await s.close();
      await dispose();
    }
  }
}

type PostgresBackend = StoreBackend & { reopen(store: Store): Promise<Store> };

/** A fresh database per store, dropped after; `reopen` gives another pool on the same one. */
function postgresBackend(): PostgresBackend {
  const urls = new Map<Store, string>();
  return {
    name: 'postgres',
    async open() {
      const name = `herald_bench_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      const store = await openPostgresStore(url.toString());
      urls.set(store, url.toString());
      return {
        store,
        async dispose() {
          await store.close();
          const drop = new pg.Client({ connectionString: ADMIN_URL });
          await drop.connect();
          await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await drop.end();
        },
      };
    },
    reopen: (store) => openPostgresStore(urls.get(store)!),
  };
}

/** A SQLite file in a temporary folder, removed after. */
const sqliteBackend: StoreBackend = {
  name: 'sqlite',
  async open() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bench-store-'));
    const store = SqliteStore.open(path.join(dir, 'herald.db'));
    return {
      store,
      async dispose() {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** Both backends' per-operation costs side by side, then PostgreSQL's throughput by worker count. */
export async function benchStore(): Promise<void> {
  const postgres = postgresBackend();
  for (const backend of [sqliteBackend, postgres]) await benchBackend(backend);
  await benchThroughput(postgres);
}
