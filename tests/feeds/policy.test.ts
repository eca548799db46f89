import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from '../../src/feeds/decode.ts';
import type { ListedArticle } from '../../src/feeds/normalize.ts';
import { listFeed, parseFeed } from '../../src/feeds/parse.ts';
import { planIngest } from '../../src/feeds/policy.ts';
import { contentHash } from '../../src/feeds/versions.ts';
import { feed } from '../helpers/articles.ts';

const text = decodeFeedBytes(fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/astanatimes-feed.xml')));
const outlet = { id: 'astanatimes', url: 'https://astanatimes.com/feed/' };
const NOW = Date.parse('2024-05-21T12:00:00Z');

/** The feed as a poll lists it, with the ids of the articles read whole. */
async function listedWithReads(): Promise<{ articles: ListedArticle[]; read: Set<string> }> {
  const read = new Set<string>();
  const { articles } = await listFeed(text, outlet);
  return {
    read,
    articles: articles.map((listed) => ({
      ...listed,
      article: () => {
        read.add(listed.id);
        return listed.article();
      },
    })),
  };
}

describe('planIngest reads an article whole only when it records it in full', () => {
  it('a first poll reads only the backfill; the rest is recorded by its identity', async () => {
    const { articles, read } = await listedWithReads();
    const { plan } = planIngest({ feed: feed({ backfill: 1, maxAgeHours: 100_000 }), articles, known: [], firstPoll: true, channelIds: ['x'], cache: {}, now: NOW });
    expect(plan.deliver).toHaveLength(1);
    expect([...read]).toEqual([plan.deliver[0]!.article.id]);
    expect(plan.seen).toHaveLength(articles.length - 1);
    for (const seen of plan.seen) expect(Object.keys(seen).sort()).toEqual(['feedId', 'id', 'link', 'linkKey', 'publishedAt', 'title']);
  });

  it('a later poll reads the known articles, to find corrections, and the new ones it posts', async () => {
    const whole = (await parseFeed(text, outlet)).articles;
    const known = whole.slice(1).map((a, i) => ({ pk: i + 1, id: a.id, linkKey: a.linkKey, contentHash: contentHash(a) }));
    const { articles, read } = await listedWithReads();
    const { plan, report } = planIngest({ feed: feed(), articles, known, firstPoll: false, channelIds: ['x'], cache: {}, now: NOW });
    expect(read.size).toBe(articles.length);
    expect(plan.deliver.map((d) => d.article)).toEqual([whole[0]]);
    expect(report).toMatchObject({ fresh: 1, corrected: 0 });
  });
});
