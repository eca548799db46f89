/** Puts deliveries into a real store the way Herald does: recorded by a poll, then claimed and settled attempt by attempt. */
import type { Article } from '../../src/article.ts';
import type { Settlement } from '../../src/delivery/types.ts';
import type { PlannedDelivery } from '../../src/feeds/ledger.ts';
import type { RenderedPost } from '../../src/platform.ts';
import type { Store } from '../../src/store/store.ts';

export interface SeededAttempt {
  startedAt: number;
  finishedAt: number;
  settlement: Settlement;
}

function rendered(article: Article): RenderedPost {
  return {
    layout: 'text',
    text: `${article.title} ${article.link}`,
    lengths: [{ unit: 'chars', length: article.title.length + 24, limit: 280 }],
    shortened: false,
    link: article.link,
    title: article.title,
    summary: article.summary ?? '',
    hashtags: [],
  };
}

/**
 * One new article with one delivery on `channelId`, recorded at `at` (its creation and due
 * time), then each attempt claimed by `workerId` (registered, or none) and settled. Returns the delivery's id.
 */
export async function seedDelivery(
  store: Store,
  opts: { article: Article; channelId: string; at: number; state?: PlannedDelivery['state']; attempts?: SeededAttempt[]; workerId?: string },
): Promise<number> {
  const { article, channelId, at } = opts;
  await store.record({
    feedId: article.feedId,
    now: at,
    cache: {},
    seen: [],
    deliver: [{ article, deliveries: [{ channelId, state: opts.state ?? 'pending', priority: 0 }] }],
  });
  const id = (await store.deliveries({ channelId, limit: 1 }))[0]!.id;
  for (const a of opts.attempts ?? []) {
    // A registered worker sends under its channel lease (PostgreSQL checks it), held at the attempt's time.
    if (opts.workerId) {
      await store.heartbeat(opts.workerId, a.startedAt);
      await store.claimChannels(opts.workerId, [channelId], a.startedAt);
    }
    const n = await store.claim(id, rendered(article), { workerId: opts.workerId ?? 'seed-worker', now: a.startedAt });
    if (n === undefined || !(await store.settle(id, n, a.settlement, a.finishedAt))) throw new Error(`seed: delivery #${id} could not be sent`);
  }
  return id;
}

/** A delivery that failed (`failed`) or was left `in_doubt` after one attempt at `at`. */
export function seedTroubled(store: Store, article: Article, channelId: string, state: 'failed' | 'in_doubt', detail: string, at: number): Promise<number> {
  return seedDelivery(store, { article, channelId, at, attempts: [{ startedAt: at, finishedAt: at, settlement: { state, outcome: state === 'failed' ? 'permanent' : 'in-doubt', detail } }] });
}
