import { randomUUID } from 'node:crypto';
import type { Article } from '../article.ts';
import type { FeedConfig } from '../config/feed-schema.ts';
import type { HttpCache } from '../feeds/fetch.ts';
import { applyPolicy } from '../feeds/policy.ts';
import { statement, type Db } from './db.ts';
import { getFeedState, recordFeedSuccess } from './feed-state.ts';

export interface IngestReport {
  feedId: string;
  firstPoll: boolean;
  listed: number;
  fresh: number;
  queued: number;
  held: number;
  tooOld: number;
  beyondBackfill: number;
}

/**
 * Records one successful poll in a single transaction: new articles, their deliveries
 * (one per channel that takes the feed) and the feed's HTTP state. Nothing is sent before
 * this commits, so a crash can neither lose an article nor post one that was not recorded.
 */
export function ingest(
  db: Db,
  feed: FeedConfig,
  articles: Article[],
  channelIds: string[],
  cache: HttpCache,
  now: number,
): IngestReport {
  const knownByGuid = statement<[string, string], { pk: number }>(db, 'SELECT pk FROM articles WHERE feed_id = ? AND guid = ?');
  const knownByLink = statement<[string, string], { pk: number }>(db, 'SELECT pk FROM articles WHERE feed_id = ? AND link_key = ? LIMIT 1');
  const insertArticle = statement<unknown[], { pk: number; order_at: number }>(
    db,
    `INSERT INTO articles (feed_id, guid, link_key, title, published_at, seen_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)
     RETURNING pk, COALESCE(published_at, seen_at) AS order_at`,
  );
  // The same story reached through another feed already has (or had) a delivery on this channel.
  // CROSS JOIN keeps the articles of that link as the outer loop: the planner would otherwise
  // walk the channel's whole queue on deliveries_in_order.
  const channelHasLink = statement<[string, string], { id: number }>(
    db,
    `SELECT d.id FROM articles a CROSS JOIN deliveries d ON d.article_pk = a.pk WHERE a.link_key = ? AND d.channel_id = ? LIMIT 1`,
  );
  const insertDelivery = statement(
    db,
    `INSERT INTO deliveries (article_pk, channel_id, state, idempotency_key, due_at, created_at, order_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );

  return db.transaction(() => {
    const firstPoll = getFeedState(db, feed.id).firstPolledAt === undefined;
    const seenGuids = new Set<string>();
    const seenLinks = new Set<string>();
    const fresh = articles.filter((a) => {
      if (seenGuids.has(a.id) || seenLinks.has(a.linkKey)) return false;
      seenGuids.add(a.id);
      seenLinks.add(a.linkKey);
      return !knownByGuid.get(feed.id, a.id) && !knownByLink.get(feed.id, a.linkKey);
    });
    const decision = applyPolicy({ feed, fresh, feedSize: articles.length, firstPoll, now });

    const record = (article: Article): { pk: number; order_at: number } =>
      insertArticle.get(
        feed.id,
        article.id,
        article.linkKey,
        article.title,
        article.publishedAt ? Date.parse(article.publishedAt) : null,
        now,
        JSON.stringify(article),
      )!;
    const deliver = (article: Article, state: 'pending' | 'held'): void => {
      const recorded = record(article);
      for (const channelId of channelIds) {
        if (channelHasLink.get(article.linkKey, channelId)) continue;
        insertDelivery.run(recorded.pk, channelId, state, randomUUID(), now, now, recorded.order_at);
      }
    };

    for (const article of [...decision.tooOld, ...decision.beyondBackfill]) record(article);
    for (const article of decision.post) deliver(article, 'pending');
    for (const article of decision.held) deliver(article, 'held');
    recordFeedSuccess(db, feed.id, cache, now);

    return {
      feedId: feed.id,
      firstPoll,
      listed: articles.length,
      fresh: fresh.length,
      queued: decision.post.length,
      held: decision.held.length,
      tooOld: decision.tooOld.length,
      beyondBackfill: decision.beyondBackfill.length,
    };
  })();
}
