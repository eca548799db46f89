import type { Article, ArticleIdentity } from '../article.ts';
import type { ArticleCorrection } from './corrections.ts';
import type { HttpCache } from './fetch.ts';

export interface FeedState {
  id: string;
  cache: HttpCache;
  firstPolledAt?: number;
  lastPollAt?: number;
  lastOkAt?: number;
  lastError?: string;
  failures: number;
  /** Not polled again before this: the next schedule tick, or the backoff after a failure. */
  nextPollAt?: number;
}

/** An article the store already has, found by its id or its normalized link within the feed. */
export interface KnownArticle {
  pk: number;
  id: string;
  linkKey: string;
  /** Hash of what a post shows of it (title, lead) when it was last recorded. */
  contentHash?: string;
}

export interface PlannedDelivery {
  channelId: string;
  state: 'pending' | 'held' | 'review';
  priority: number;
}

/** What one successful poll decided, recorded by the ledger in one transaction. */
export interface IngestPlan {
  feedId: string;
  now: number;
  cache: HttpCache;
  nextPollAt?: number;
  /** New articles recorded as seen, never posted (too old, beyond the first poll's backfill): their identity is all that is kept. */
  seen: ArticleIdentity[];
  /** New articles with a delivery per channel. A channel that already has a post of the same link gets none. */
  deliver: { article: Article; contentHash?: string; deliveries: PlannedDelivery[] }[];
  /** Known articles that changed: their new data and version, and an edit of each post made of them. */
  corrections?: ArticleCorrection[];
}

/** The feed ledger ingest records into: what is known of each feed and its articles. */
export interface FeedLedger {
  feedState(feedId: string): Promise<FeedState>;
  feedStates(): Promise<FeedState[]>;
  /** Which of these articles the feed already has (by id or by normalized link). */
  knownArticles(feedId: string, articles: Pick<Article, 'id' | 'linkKey'>[]): Promise<KnownArticle[]>;
  record(plan: IngestPlan): Promise<void>;
  /** An HTTP 304: a success that changes nothing else. */
  recordUnchanged(feedId: string, now: number, nextPollAt?: number): Promise<void>;
  /** Returns the failures in a row, this one included. */
  recordFailure(feedId: string, error: string, now: number, nextPollAt: number): Promise<number>;
}
