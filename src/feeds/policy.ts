import type { Article, ArticleIdentity } from '../article.ts';
import type { FeedConfig } from '../config/feed-schema.ts';
import { findCorrections, type CorrectableChannel } from './corrections.ts';
import type { HttpCache } from './fetch.ts';
import type { FilterRule } from './filter.ts';
import type { IngestPlan, KnownArticle, PlannedDelivery } from './ledger.ts';
import type { ListedArticle } from './normalize.ts';
import { contentHash } from './versions.ts';
import type { EditCapability } from '../platform.ts';

/** How a channel takes a new article: filtered out (with the rule), or with a priority, waiting for review or not. */
export type ChannelControls = (channelId: string, article: Article) => { filtered?: FilterRule; priority: number; review: boolean };

/** How a channel takes a correction: its `corrections` setting, platform and review, and whether the platform can edit. */
export type ChannelEditing = (channelId: string) => { channel: CorrectableChannel; canEdit: EditCapability | undefined } | undefined;

export interface PolicyInput<A extends Pick<Article, 'publishedAt'>> {
  feed: FeedConfig;
  /** Articles of this poll not seen before, in feed order (newest first, as feeds list them). */
  fresh: A[];
  /** How many items the feed listed in this poll. */
  feedSize: number;
  firstPoll: boolean;
  now: number;
}

export interface PolicyDecision<A> {
  /** To deliver, oldest first. */
  post: A[];
  /** Flood: recorded with held deliveries, for the operator to release or skip. */
  held: A[];
  /** Recorded as seen, never posted. */
  tooOld: A[];
  beyondBackfill: A[];
}

/** Fewer new items than this never count as a flood by the half-the-feed rule. */
const MIN_FLOOD_BY_SHARE = 3;

/**
 * First poll: only the newest `backfill` items. Later polls: more new items than
 * `floodThreshold`, or more than half the feed (a site migration that changed every link),
 * are held instead of posted. Items older than `maxAgeHours` are never posted.
 */
export function applyPolicy<A extends Pick<Article, 'publishedAt'>>({ feed, fresh, feedSize, firstPoll, now }: PolicyInput<A>): PolicyDecision<A> {
  const oldest = now - feed.maxAgeHours * 3_600_000;
  const byAge = fresh.map((article, position) => ({ article, position, time: timeOf(article) }));
  const tooOld = byAge.filter((a) => a.time !== undefined && a.time < oldest).map((a) => a.article);
  const recent = byAge
    .filter((a) => a.time === undefined || a.time >= oldest)
    // newest first: by date where both have one, else by feed position
    .sort((a, b) => (a.time !== undefined && b.time !== undefined && a.time !== b.time ? b.time - a.time : a.position - b.position));

  const decision: PolicyDecision<A> = { post: [], held: [], tooOld, beyondBackfill: [] };
  if (firstPoll) {
    decision.post = recent.slice(0, feed.backfill).map((a) => a.article).reverse();
    decision.beyondBackfill = recent.slice(feed.backfill).map((a) => a.article);
    return decision;
  }
  const newest = recent.map((a) => a.article).reverse();
  const flood = newest.length > feed.floodThreshold || (newest.length >= MIN_FLOOD_BY_SHARE && newest.length > feedSize / 2);
  if (flood) decision.held = newest;
  else decision.post = newest;
  return decision;
}

function timeOf(article: Pick<Article, 'publishedAt'>): number | undefined {
  if (!article.publishedAt) return undefined;
  const t = Date.parse(article.publishedAt);
  return Number.isNaN(t) ? undefined : t;
}

export interface IngestReport {
  feedId: string;
  firstPoll: boolean;
  listed: number;
  fresh: number;
  queued: number;
  held: number;
  tooOld: number;
  beyondBackfill: number;
  /** Deliveries a channel's filter left out. */
  filtered: number;
  /** Known articles whose title or lead changed: their posts are corrected. */
  corrected: number;
}

export interface PollInput {
  feed: FeedConfig;
  /** Everything the feed lists now, in feed order. Only the articles recorded in full are read whole. */
  articles: ListedArticle[];
  /** What the store already has of them. */
  known: KnownArticle[];
  firstPoll: boolean;
  /** The channels that post this feed. */
  channelIds: string[];
  /** Each channel's filter, priority and review; without it every channel takes every article at priority 0. */
  controls?: ChannelControls;
  /** Each channel's way with corrections; without it a changed article only has its version recorded. */
  editing?: ChannelEditing;
  cache: HttpCache;
  now: number;
  nextPollAt?: number;
}

/**
 * One poll's decision: which listed articles are new (neither their id nor their normalized
 * link is known, and not a repeat within this poll), what the policy does with them, the
 * deliveries to record, and which known articles changed (corrections).
 */
export function planIngest(input: PollInput): { plan: IngestPlan; report: IngestReport } {
  const { feed, articles, known, firstPoll, channelIds, now } = input;
  const knownIds = new Set(known.map((k) => k.id));
  const knownLinks = new Set(known.map((k) => k.linkKey));
  const seenIds = new Set<string>();
  const seenLinks = new Set<string>();
  const fresh = articles.filter((a) => {
    if (seenIds.has(a.id) || seenLinks.has(a.linkKey)) return false;
    seenIds.add(a.id);
    seenLinks.add(a.linkKey);
    return !knownIds.has(a.id) && !knownLinks.has(a.linkKey);
  });
  const decision = applyPolicy({ feed, fresh, feedSize: articles.length, firstPoll, now });
  const listedBefore = articles.filter((a) => knownIds.has(a.id) || knownLinks.has(a.linkKey)).map((a) => a.article());
  const corrections = findCorrections(listedBefore, known, channelIds.flatMap((channelId) => input.editing?.(channelId) ?? []));
  let filtered = 0;
  const deliveries = (article: Article, state: 'pending' | 'held'): PlannedDelivery[] =>
    channelIds.flatMap((channelId) => {
      const c = input.controls?.(channelId, article);
      if (c?.filtered) {
        filtered++;
        return [];
      }
      return [{ channelId, state: state === 'pending' && c?.review ? 'review' : state, priority: c?.priority ?? 0 }];
    });
  const delivered = (article: Article, state: 'pending' | 'held') => ({ article, contentHash: contentHash(article), deliveries: deliveries(article, state) });
  const plan: IngestPlan = {
    feedId: feed.id,
    now,
    cache: input.cache,
    nextPollAt: input.nextPollAt,
    seen: [...decision.tooOld, ...decision.beyondBackfill].map(identityOf),
    deliver: [
      ...decision.post.map((listed) => delivered(listed.article(), 'pending')),
      ...decision.held.map((listed) => delivered(listed.article(), 'held')),
    ],
    corrections,
  };
  const report: IngestReport = {
    feedId: feed.id,
    firstPoll,
    listed: articles.length,
    fresh: fresh.length,
    queued: decision.post.length,
    held: decision.held.length,
    tooOld: decision.tooOld.length,
    beyondBackfill: decision.beyondBackfill.length,
    filtered,
    corrected: corrections.filter((c) => c.edits.length > 0).length,
  };
  return { plan, report };
}

function identityOf({ id, feedId, link, linkKey, title, publishedAt }: ArticleIdentity): ArticleIdentity {
  return { id, feedId, link, linkKey, title, ...(publishedAt ? { publishedAt } : {}) };
}
