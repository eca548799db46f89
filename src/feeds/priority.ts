import type { Article } from '../article.ts';

export interface PriorityScores {
  feeds: Record<string, number>;
  categories: Record<string, number>;
}

const key = (name: string) => name.normalize('NFC').trim().toLowerCase();

/**
 * An article's priority on a channel: its feed's score plus the highest score among its
 * categories (matched trimmed, ignoring case); what the channel does not score counts 0.
 */
export function articlePriority(article: Pick<Article, 'feedId' | 'categories'>, scores: PriorityScores | undefined): number {
  if (!scores) return 0;
  const byCategory = new Map(Object.entries(scores.categories).map(([name, score]) => [key(name), score]));
  const categoryScores = article.categories.map((c) => byCategory.get(key(c)) ?? 0);
  return (scores.feeds[article.feedId] ?? 0) + (categoryScores.length > 0 ? Math.max(...categoryScores) : 0);
}
