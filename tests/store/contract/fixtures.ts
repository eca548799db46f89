import type { Article } from '../../../src/article.ts';
import type { IngestPlan, PlannedDelivery } from '../../../src/feeds/ledger.ts';
import type { RenderedPost } from '../../../src/platform.ts';
import type { Store } from '../../../src/store/store.ts';
import { article } from '../../helpers/articles.ts';

export const NOW = Date.UTC(2024, 4, 21);

export function post(text: string): RenderedPost {
  return {
    layout: 'text',
    text,
    lengths: [{ unit: 'chars', length: text.length, limit: 280 }],
    shortened: false,
    link: 'https://astanatimes.com/x',
    title: text,
    summary: '',
    hashtags: [],
  };
}

/** A poll's plan: each article gets a delivery on each channel, in `state`. */
export function plan(
  articles: Article[],
  channels: string[],
  opts: { feedId?: string; now?: number; state?: PlannedDelivery['state']; seen?: Article[]; etag?: string } = {},
): IngestPlan {
  const feedId = opts.feedId ?? 'astanatimes';
  return {
    feedId,
    now: opts.now ?? NOW,
    cache: opts.etag ? { etag: opts.etag } : {},
    seen: (opts.seen ?? []).map((a) => ({ ...a, feedId })),
    deliver: articles.map((a) => ({
      article: { ...a, feedId },
      deliveries: channels.map((channelId) => ({ channelId, state: opts.state ?? 'pending', priority: 0 })),
    })),
  };
}

/** Articles 1..n newest first, as a feed lists them. */
export const articles = (...ns: number[]) => ns.map((n) => article(n));

/** A registered worker holding the leases of `channels` (on SQLite, the one worker). */
export async function worker(store: Store, id: string, channels: string[], now = NOW): Promise<string> {
  await store.register({ id, host: 'test-host', pid: 1000 }, now);
  await store.claimChannels(id, channels, now);
  return id;
}

/** Delivery ids per channel, oldest first. */
export async function ids(store: Store, channelId: string): Promise<number[]> {
  return (await store.deliveries({ channelId })).map((d) => d.id).reverse();
}
