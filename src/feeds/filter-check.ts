import type { Article } from '../article.ts';
import type { FilterVerdict } from './filter.ts';

/**
 * A filter that lets none of its feeds' current items through is likely a mistake (a
 * misspelt category, an include list of the wrong feed): the warning `validate` prints.
 * Undefined when some item passes, or when there is nothing to check it against.
 */
export function filterExcludesAll(filter: (article: Article) => FilterVerdict, articles: readonly Article[], feedIds: readonly string[]): string | undefined {
  if (articles.length === 0 || articles.some((a) => filter(a).pass)) return undefined;
  return `warning: the filter lets none of the ${articles.length} current item(s) of feed(s) ${feedIds.join(', ')} through; check its entries against the feeds' categories and titles (\`herald preview\` shows the rule that filtered each)`;
}
