import type { Article } from '../../src/article.ts';
import type { FeedConfig } from '../../src/config/feed-schema.ts';
import type { HttpCache } from '../../src/feeds/fetch.ts';
import type { ListedArticle } from '../../src/feeds/normalize.ts';
import { planIngest, type IngestReport } from '../../src/feeds/policy.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import type { Store } from '../../src/store/store.ts';

/** Articles as a poll lists them (see ListedArticle), each already read whole. */
export function listed(articles: Article[]): ListedArticle[] {
  return articles.map((article) => ({ ...article, article: () => article }));
}

export function memoryStore(): SqliteStore {
  return SqliteStore.open(':memory:');
}

/** One poll's bookkeeping as the orchestrator does it: look up, decide with the pure policy, record. */
export async function ingest(store: Store, feed: FeedConfig, articles: Article[], channelIds: string[], cache: HttpCache, now: number): Promise<IngestReport> {
  const state = await store.feedState(feed.id);
  const known = await store.knownArticles(feed.id, articles);
  const { plan, report } = planIngest({ feed, articles: listed(articles), known, firstPoll: state.firstPolledAt === undefined, channelIds, cache, now });
  await store.record(plan);
  return report;
}
