import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Article, ArticleIdentity } from '../../article.ts';
import type { FeedState, IngestPlan, KnownArticle } from '../../feeds/ledger.ts';
import type { PgDb } from './db.ts';
import { feedFromRow, type FeedRow } from '../rows.ts';
import { recordCorrections } from './corrections.ts';

export async function feedState(db: PgDb, feedId: string): Promise<FeedState> {
  const { rows } = await db.query<FeedRow>('SELECT * FROM feeds WHERE id = $1', [feedId]);
  return rows[0] ? feedFromRow(rows[0]) : { id: feedId, cache: {}, failures: 0 };
}

export async function feedStates(db: PgDb): Promise<FeedState[]> {
  const { rows } = await db.query<FeedRow>('SELECT * FROM feeds ORDER BY id');
  return rows.map(feedFromRow);
}

export async function knownArticles(db: PgDb, feedId: string, articles: Pick<Article, 'id' | 'linkKey'>[]): Promise<KnownArticle[]> {
  if (articles.length === 0) return [];
  const { rows } = await db.query<{ pk: number; guid: string; link_key: string; content_hash: string | null }>(
    'SELECT pk, guid, link_key, content_hash FROM articles WHERE feed_id = $1 AND (guid = ANY($2) OR link_key = ANY($3)) ORDER BY pk',
    [feedId, articles.map((a) => a.id), articles.map((a) => a.linkKey)],
  );
  return rows.map((r) => ({ pk: r.pk, id: r.guid, linkKey: r.link_key, contentHash: r.content_hash ?? undefined }));
}

function publishedAt(article: ArticleIdentity): number | null {
  const t = article.publishedAt ? Date.parse(article.publishedAt) : NaN;
  return Number.isNaN(t) ? null : t;
}

/** Inserts new articles in one statement; returns pk and queue order of those inserted, by guid. */
async function insertArticles(client: pg.PoolClient, feedId: string, articles: { article: ArticleIdentity; contentHash?: string }[], now: number) {
  const inserted = new Map<string, { pk: number; orderAt: number }>();
  if (articles.length === 0) return inserted;
  const { rows } = await client.query<{ pk: number; guid: string; order_at: number }>(
    `INSERT INTO articles (feed_id, guid, link_key, title, published_at, seen_at, data, content_hash)
     SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[])
     ON CONFLICT (feed_id, guid) DO NOTHING
     RETURNING pk, guid, COALESCE(published_at, seen_at) AS order_at`,
    [
      feedId,
      articles.map((a) => a.article.id),
      articles.map((a) => a.article.linkKey),
      articles.map((a) => a.article.title),
      articles.map((a) => publishedAt(a.article)),
      articles.map(() => now),
      articles.map((a) => JSON.stringify(a.article)),
      articles.map((a) => a.contentHash ?? null),
    ],
  );
  for (const r of rows) inserted.set(r.guid, { pk: r.pk, orderAt: r.order_at });
  return inserted;
}

const FEED_SUCCESS = `
  INSERT INTO feeds AS f (id, etag, last_modified, first_polled_at, last_poll_at, last_ok_at, failures, next_poll_at)
  VALUES ($1, $2, $3, $4, $4, $4, 0, $5)
  ON CONFLICT (id) DO UPDATE SET
    etag = CASE WHEN $6 THEN f.etag ELSE excluded.etag END,
    last_modified = CASE WHEN $6 THEN f.last_modified ELSE excluded.last_modified END,
    first_polled_at = COALESCE(f.first_polled_at, excluded.first_polled_at),
    last_poll_at = excluded.last_poll_at, last_ok_at = excluded.last_ok_at, last_error = NULL, failures = 0,
    next_poll_at = excluded.next_poll_at, poll_worker = NULL, poll_lease_until = NULL`;

/**
 * One successful poll in one transaction: the new articles, a delivery per planned channel (the
 * one-post-per-link index turns away a story this channel already has from another feed), the
 * corrections of known articles and the feed's HTTP state; the feed's poll lease ends with it.
 */
export function record(db: PgDb, plan: IngestPlan): Promise<void> {
  return db.tx(async (client) => {
    // As on SQLite (unsyncedTransaction): poll bookkeeping commits without waiting for the WAL
    // flush; the flush of the claim that precedes any send covers it.
    await client.query('SET LOCAL synchronous_commit = off');
    const all = [...plan.seen.map((article) => ({ article })), ...plan.deliver];
    const inserted = await insertArticles(client, plan.feedId, all, plan.now);
    const rows: { pk: number; channelId: string; linkKey: string; state: string; priority: number; orderAt: number }[] = [];
    for (const { article, deliveries } of plan.deliver) {
      const recorded = inserted.get(article.id);
      if (!recorded) continue;
      for (const d of deliveries) rows.push({ pk: recorded.pk, channelId: d.channelId, linkKey: article.linkKey, state: d.state, priority: d.priority, orderAt: recorded.orderAt });
    }
    if (rows.length > 0) {
      await client.query(
        `INSERT INTO deliveries (article_pk, channel_id, link_key, state, priority, order_at, idempotency_key, due_at, created_at)
         SELECT *, $8::bigint, $8::bigint FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::text[])
         ON CONFLICT (channel_id, link_key) WHERE kind = 'post' DO NOTHING`,
        [
          rows.map((r) => r.pk),
          rows.map((r) => r.channelId),
          rows.map((r) => r.linkKey),
          rows.map((r) => r.state),
          rows.map((r) => r.priority),
          rows.map((r) => r.orderAt),
          rows.map(() => randomUUID()),
          plan.now,
        ],
      );
    }
    await recordCorrections(client, plan.corrections ?? [], plan.now);
    await client.query(FEED_SUCCESS, [plan.feedId, plan.cache.etag ?? null, plan.cache.lastModified ?? null, plan.now, plan.nextPollAt ?? null, false]);
  });
}

export async function recordUnchanged(db: PgDb, feedId: string, now: number, nextPollAt?: number): Promise<void> {
  await db.query(FEED_SUCCESS, [feedId, null, null, now, nextPollAt ?? null, true]);
}

export async function recordFailure(db: PgDb, feedId: string, error: string, now: number, nextPollAt: number): Promise<number> {
  const { rows } = await db.query<{ failures: number }>(
    `INSERT INTO feeds AS f (id, last_poll_at, last_error, failures, next_poll_at) VALUES ($1, $2, $3, 1, $4)
     ON CONFLICT (id) DO UPDATE SET last_poll_at = excluded.last_poll_at, last_error = excluded.last_error,
       failures = f.failures + 1, next_poll_at = excluded.next_poll_at, poll_worker = NULL, poll_lease_until = NULL
     RETURNING failures`,
    [feedId, now, error, nextPollAt],
  );
  return rows[0]?.failures ?? 1;
}
