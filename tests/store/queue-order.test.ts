import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { RenderedPost } from '../../src/platform.ts';
import { migrations } from '../../src/store/sqlite/migrations.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { article, feed } from '../helpers/articles.ts';
import { ingest, memoryStore } from '../helpers/store.ts';

const NOW = Date.UTC(2024, 4, 21);
const MINUTE = 60_000;
const post: RenderedPost = {
  layout: 'text',
  text: 't',
  lengths: [{ unit: 'chars', length: 1, limit: 280 }],
  shortened: false,
  link: 'https://astanatimes.com/x',
  title: 't',
  summary: '',
  hashtags: [],
};

/** The queue order as schema 1 computed it, straight from the articles. */
const SCHEMA_1_ORDER = `SELECT d.id FROM deliveries d JOIN articles a ON a.pk = d.article_pk
  WHERE d.channel_id = ? AND d.state = 'pending' AND d.due_at <= ? ORDER BY COALESCE(a.published_at, a.seen_at), a.pk`;

function schema1Order(db: Database.Database, channelId: string, now: number): number[] {
  return db
    .prepare<[string, number], { id: number }>(SCHEMA_1_ORDER)
    .all(channelId, now)
    .map((r) => r.id);
}

const nextDue = async (store: SqliteStore, channelId: string, now: number) => (await store.channelQueue(channelId, now, 0)).next;

/** Delivery ids in the order the queue hands them out, each recorded as a dry run to move on. */
async function drain(store: SqliteStore, channelId: string, now: number): Promise<number[]> {
  const order: number[] = [];
  for (let d = await nextDue(store, channelId, now); d; d = await nextDue(store, channelId, now)) {
    order.push(d.id);
    expect(await store.recordDryRun(d.id, post, { workerId: 'w', now })).toBe(1);
  }
  return order;
}

const V1_COLUMNS = ['id', 'article_pk', 'channel_id', 'state', 'idempotency_key', 'attempts', 'failures', 'resend', 'due_at', 'created_at', 'settled_at', 'rendered', 'dry_run', 'remote_id', 'remote_url', 'last_error'];
const v1Columns = (row: Record<string, unknown>) => Object.fromEntries(V1_COLUMNS.map((c) => [c, row[c]]));

interface V1Article {
  pk: number;
  publishedAt: number | null;
  seenAt: number;
}

interface V1Delivery {
  articlePk: number;
  channelId: string;
  state: 'pending' | 'held' | 'sent';
  dueAt: number;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A store at schema 1 (only the first migration run) holding these rows. */
function schema1Store(articles: V1Article[], deliveries: V1Delivery[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-v1-'));
  dirs.push(dir);
  const file = path.join(dir, 'herald.db');
  const db = new Database(file);
  db.exec(migrations[0]!);
  db.pragma('user_version = 1');
  const insertArticle = db.prepare('INSERT INTO articles (pk, feed_id, guid, link_key, title, published_at, seen_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  for (const a of articles) {
    const data = article(a.pk, a.publishedAt === null ? { publishedAt: undefined } : { publishedAt: new Date(a.publishedAt).toISOString() });
    insertArticle.run(a.pk, 'astanatimes', data.id, data.linkKey, data.title, a.publishedAt, a.seenAt, JSON.stringify(data));
  }
  const insertDelivery = db.prepare(
    'INSERT INTO deliveries (article_pk, channel_id, state, idempotency_key, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  deliveries.forEach((d, i) => insertDelivery.run(d.articlePk, d.channelId, d.state, `key-${i}`, d.dueAt, NOW - 10 * MINUTE));
  db.close();
  return file;
}

describe('schema 2 and on: the queue order kept on each delivery', () => {
  it('migrates a schema-1 store with data: rows kept, order_at backfilled, the same queue order', async () => {
    const articles: V1Article[] = [
      { pk: 1, publishedAt: NOW - 30 * MINUTE, seenAt: NOW - 5 * MINUTE },
      { pk: 2, publishedAt: NOW - 90 * MINUTE, seenAt: NOW - 5 * MINUTE },
      { pk: 3, publishedAt: null, seenAt: NOW - 60 * MINUTE },
      { pk: 4, publishedAt: NOW - 60 * MINUTE, seenAt: NOW - 4 * MINUTE },
      { pk: 5, publishedAt: NOW - 120 * MINUTE, seenAt: NOW - 4 * MINUTE },
    ];
    const deliveries: V1Delivery[] = [
      ...articles.map((a) => ({ articlePk: a.pk, channelId: 'x', state: 'pending' as const, dueAt: NOW - MINUTE })),
      { articlePk: 1, channelId: 'tg', state: 'pending', dueAt: NOW - MINUTE },
      { articlePk: 2, channelId: 'tg', state: 'sent', dueAt: NOW - MINUTE },
      { articlePk: 5, channelId: 'tg', state: 'held', dueAt: NOW - MINUTE },
    ];
    const file = schema1Store(articles, deliveries);
    const before = new Database(file);
    const rowsBefore = before.prepare('SELECT * FROM deliveries ORDER BY id').all();
    const articlesBefore = before.prepare('SELECT * FROM articles ORDER BY pk').all();
    before.close();

    const store = SqliteStore.open(file);
    const db = store.db;
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.prepare<[], Record<string, unknown>>('SELECT * FROM articles ORDER BY pk').all().map(({ content_hash: _, ...v1 }) => v1)).toEqual(articlesBefore);
    const rowsAfter = db.prepare<[], Record<string, unknown>>('SELECT * FROM deliveries ORDER BY id').all();
    expect(rowsAfter.map(v1Columns)).toEqual(rowsBefore);
    expect(rowsAfter.map((r) => [r.article_pk, r.order_at])).toEqual([
      [1, NOW - 30 * MINUTE],
      [2, NOW - 90 * MINUTE],
      [3, NOW - 60 * MINUTE],
      [4, NOW - 60 * MINUTE],
      [5, NOW - 120 * MINUTE],
      [1, NOW - 30 * MINUTE],
      [2, NOW - 90 * MINUTE],
      [5, NOW - 120 * MINUTE],
    ]);
    // Oldest first; articles 3 (seen, no date) and 4 (published) tie at the same minute: lower pk first.
    expect((await drain(store, 'x', NOW)).map((id) => rowsAfter[id - 1]!.article_pk)).toEqual([5, 2, 3, 4, 1]);
    expect((await drain(store, 'tg', NOW)).map((id) => rowsAfter[id - 1]!.article_pk)).toEqual([1]);
    await store.close();
  });

  it('a migrated store hands out its queue in the order schema 1 did', async () => {
    const time = fc.integer({ min: 0, max: 20 }).map((m) => NOW - m * MINUTE);
    const store = fc
      .array(fc.record({ publishedAt: fc.option(time, { nil: null }), seenAt: time }), { minLength: 1, maxLength: 25 })
      .chain((rows) =>
        fc.record({
          articles: fc.constant(rows.map((r, i) => ({ ...r, pk: i + 1 }))),
          deliveries: fc.array(
            fc.record({
              articlePk: fc.integer({ min: 1, max: rows.length }),
              channelId: fc.constantFrom('x', 'tg'),
              state: fc.constantFrom<V1Delivery['state']>('pending', 'pending', 'pending', 'held', 'sent'),
              dueAt: fc.integer({ min: -3, max: 1 }).map((m) => NOW + m * MINUTE),
            }),
            { maxLength: 40 },
          ),
        }),
      )
      .map(({ articles, deliveries }) => ({
        articles,
        deliveries: deliveries.filter((d, i) => deliveries.findIndex((e) => e.articlePk === d.articlePk && e.channelId === d.channelId) === i),
      }));
    await fc.assert(
      fc.asyncProperty(store, async ({ articles, deliveries }) => {
        const file = schema1Store(articles, deliveries);
        const v1 = new Database(file, { readonly: true });
        const expected = { x: schema1Order(v1, 'x', NOW), tg: schema1Order(v1, 'tg', NOW) };
        v1.close();
        const migrated = SqliteStore.open(file);
        try {
          expect({ x: await drain(migrated, 'x', NOW), tg: await drain(migrated, 'tg', NOW) }).toEqual(expected);
        } finally {
          await migrated.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('a new store hands out what ingest queued in the order schema 1 did', async () => {
    const publishedAt = fc.oneof(
      fc.integer({ min: -5, max: 5 }).map((m) => new Date(NOW + m * MINUTE).toISOString()),
      fc.constant(undefined),
      fc.constant('not a date'),
    );
    const poll = fc.record({
      at: fc.integer({ min: 0, max: 5 }).map((m) => NOW + m * MINUTE),
      items: fc.array(publishedAt, { minLength: 1, maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(poll, { minLength: 1, maxLength: 5 }), async (polls) => {
        const store = memoryStore();
        let n = 0;
        const lastAt = Math.max(...polls.map((p) => p.at));
        for (const { at, items } of polls) {
          const batch = items.map((published) => article(++n, { publishedAt: published }));
          await ingest(store, feed({ backfill: 10, maxAgeHours: 24 }), batch, ['x', 'tg'], {}, at);
          await store.release('astanatimes', at);
        }
        const expected = { x: schema1Order(store.db, 'x', lastAt), tg: schema1Order(store.db, 'tg', lastAt) };
        expect(expected.x).toHaveLength(n);
        expect({ x: await drain(store, 'x', lastAt), tg: await drain(store, 'tg', lastAt) }).toEqual(expected);
        await store.close();
      }),
      { numRuns: 60 },
    );
  });

  it('a delivery not yet due is passed over for the next one in order, and comes first once due', async () => {
    const store = memoryStore();
    await ingest(store, feed({ backfill: 3 }), [article(3), article(2), article(1)], ['x'], {}, NOW);
    const oldest = (await nextDue(store, 'x', NOW))!;
    store.db.prepare('UPDATE deliveries SET due_at = ? WHERE id = ?').run(NOW + MINUTE, oldest.id);
    expect((await nextDue(store, 'x', NOW))!.article.id).toBe(article(2).id);
    expect((await nextDue(store, 'x', NOW + MINUTE))!.id).toBe(oldest.id);
  });
});
