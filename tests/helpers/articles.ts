import type { Article } from '../../src/article.ts';
import type { FeedConfig } from '../../src/config/feed-schema.ts';
import { feedSchema } from '../../src/config/feed-schema.ts';

/** An article in the style of the outlet's (The Astana Times), numbered for uniqueness. */
export function article(n: number, overrides: Partial<Article> = {}): Article {
  const link = `https://astanatimes.com/2024/05/story-${n}/`;
  return {
    id: `https://astanatimes.com/?p=${1000 + n}`,
    feedId: 'astanatimes',
    link,
    linkKey: `https://astanatimes.com/2024/05/story-${n}`,
    title: `Kazakhstan, US Maintain Constructive Dialogue on Human Rights (${n})`,
    summary:
      'ASTANA – Assistant to the President of Kazakhstan for International Affairs Erzhan Kazykhan and U.S. Under Secretary of State Uzra Zeya co-chaired the third meeting of the annual High-Level Dialogue.',
    categories: ['Nation', 'Human Rights'],
    author: 'Aida Haidar',
    publishedAt: new Date(Date.UTC(2024, 4, 20, 8, n)).toISOString(),
    ...overrides,
  };
}

export function feed(overrides: Partial<FeedConfig> & { id?: string } = {}): FeedConfig {
  return feedSchema.parse({ id: 'astanatimes', url: 'https://astanatimes.com/feed/', ...overrides });
}
