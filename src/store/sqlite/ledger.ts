import { randomUUID } from 'node:crypto';
import type { Article, ArticleIdentity } from '../../article.ts';
import type { FeedState, IngestPlan, KnownArticle } from '../../feeds/ledger.ts';
import { feedFromRow, type FeedRow } from '../rows.ts';
import { recordCorrections } from './corrections.ts';
import { statement, unsyncedTransaction, type Db } from './db.ts';

export function feedState(db: Db, id: string): FeedState {
  const row = statement<[string], FeedRow>(db, 'SELECT * FROM feeds WHERE id = ?').get(id);
  return row ? feedFromRow(row) : { id, cache: {}, failures: 0 };
}

export function feedStates(db: Db): FeedState[] {
  return statement<[], FeedRow>(db, 'SELECT * FROM feeds ORDER BY id').all().map(feedFromRow);
}

export function knownArticles(db: Db, feedId: string, articles: Pick<Article, 'id' | 'linkKey'>[]): KnownArticle[] {
  const byGuid = statement<[string, string], Row>(db, 'SELECT pk, guid, link_key, content_hash FROM articles WHERE feed_id = ? AND guid = ?');
  const byLink = statement<[string, string], Row>(db, 'SELECT pk, guid, link_key, content_hash FROM articles WHERE feed_id = ? AND link_key = ? LIMIT 1');
  const known = new Map<number, KnownArticle>();
  for (const a of articles) {
    const row = byGuid.get(feedId, a.id) ?? byLink.get(feedId, a.linkKey);
    if (row) known.set(row.pk, { pk: row.pk, id: row.guid, linkKey: row.link_key, contentHash: row.content_hash ?? undefined });
  }
  return [...known.values()];
}

interface Row {
  pk: number;
  guid: string;
  link_key: string;
  content_hash: string | null;
}

/**
 * One successful poll in a single transaction: new articles, their deliveries, the corrections
 * of known ones and the feed's HTTP state. Nothing is sent before this commits, so a crash can neither lose an article nor
 * post one that was not recorded. A story another feed already brought to a channel gets no
 * second post there: the unique index on (channel, link) refuses it.
 */
export function record(db: Db, plan: IngestPlan): void {
  const insertArticle = statement<unknown[], { pk: number; order_at: number }>(
    db,
    `INSERT INTO articles (feed_id, guid, link_key, title, published_at, seen_at, data, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (feed_id, guid) DO NOTHING RETURNING pk, COALESCE(published_at, seen_at) AS order_at`,
  );
  const insertDelivery = statement(
    db,
    `INSERT INTO deliveries (kind, article_pk, channel_id, link_key, state, idempotency_key, priority, due_at, order_at, created_at)
     VALUES ('post', ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id, link_key) WHERE kind = 'post' DO NOTHING`,
  );
  const { feedId, now } = plan;
  const recordArticle = (article: ArticleIdentity, contentHash?: string) =>
    insertArticle.get(
      feedId,
      article.id,
      article.linkKey,
      article.title,
      article.publishedAt ? Date.parse(article.publishedAt) || null : null,
      now,
      JSON.stringify(article),
      contentHash ?? null,
    );
  unsyncedTransaction(db, () => {
    for (const article of plan.seen) recordArticle(article);
    for (const { article, contentHash, deliveries } of plan.deliver) {
      const recorded = recordArticle(article, contentHash);
      if (!recorded) continue;
      for (const d of deliveries) {
        insertDelivery.run(recorded.pk, d.channelId, article.linkKey, d.state, randomUUID(), d.priority, now, recorded.order_at, now);
      }
    }
    recordCorrections(db, plan.corrections ?? [], now);
    recordSuccess(db, feedId, plan.cache, now, plan.nextPollAt);
  });
}

function recordSuccess(db: Db, id: string, cache: IngestPlan['cache'] | undefined, now: number, nextPollAt: number | undefined): void {
  statement(
    db,
    `INSERT INTO feeds (id, etag, last_modified, first_polled_at, last_poll_at, last_ok_at, failures, next_poll_at)
     VALUES (@id, @etag, @lastModified, @now, @now, @now, 0, @next)
     ON CONFLICT (id) DO UPDATE SET
       etag = CASE WHEN @keep THEN etag ELSE @etag END,
       last_modified = CASE WHEN @keep THEN last_modified ELSE @lastModified END,
       first_polled_at = COALESCE(first_polled_at, @now),
       last_poll_at = @now, last_ok_at = @now, last_error = NULL, failures = 0, next_poll_at = @next,
       poll_worker = NULL, poll_lease_until = NULL`,
  ).run({ id, etag: cache?.etag ?? null, lastModified: cache?.lastModified ?? null, now, keep: cache ? 0 : 1, next: nextPollAt ?? null });
}

/** Unchanged-feed polls waiting to be written together, per store. */
const unchangedPolls = new WeakMap<Db, { polls: Map<string, { now: number; next?: number }>; written: Promise<void> }>();

/**
 * A poll that found the feed unchanged (HTTP 304). Such polls ending in the same turn of the
 * event loop are written in one transaction on the next turn; the promise resolves once this
 * one is committed.
 */
export function recordUnchanged(db: Db, id: string, now: number, nextPollAt: number | undefined): Promise<void> {
  let batch = unchangedPolls.get(db);
  if (!batch) {
    const polls = new Map<string, { now: number; next?: number }>();
    const written = new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        unchangedPolls.delete(db);
        try {
          unsyncedTransaction(db, () => polls.forEach((p, feedId) => recordSuccess(db, feedId, undefined, p.now, p.next)));
          resolve();
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    batch = { polls, written };
    unchangedPolls.set(db, batch);
  }
  batch.polls.set(id, { now, next: nextPollAt });
  return batch.written;
}

export function recordFailure(db: Db, id: string, error: string, now: number, nextPollAt: number): number {
  const row = unsyncedTransaction(db, () => statement<unknown[], { failures: number }>(
    db,
    `INSERT INTO feeds (id, last_poll_at, last_error, failures, next_poll_at) VALUES (?, ?, ?, 1, ?)
     ON CONFLICT (id) DO UPDATE SET last_poll_at = excluded.last_poll_at, last_error = excluded.last_error,
       failures = failures + 1, next_poll_at = excluded.next_poll_at, poll_worker = NULL, poll_lease_until = NULL
     RETURNING failures`,
  ).get(id, now, error, nextPollAt));
  return row?.failures ?? 1;
}
