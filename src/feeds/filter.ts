import type { Article } from '../article.ts';

/** A channel's `filter`: categories and keywords, each with `include` and `exclude` lists. */
export interface ChannelFilter {
  categories?: { include?: string[]; exclude?: string[] };
  keywords?: { include?: string[]; exclude?: string[] };
}

export type FilterList = 'categories.include' | 'categories.exclude' | 'keywords.include' | 'keywords.exclude';

/** Why an article was filtered: the list, the entry that matched (none for an include list nothing matched), and where. */
export interface FilterRule {
  list: FilterList;
  entry?: string;
  /** `title`, `summary`, or the category as the feed wrote it. */
  matched?: string;
}

export type FilterVerdict = { pass: true } | { pass: false; rule: FilterRule };

/** Scripts written without spaces between words: there a keyword matches inside a run of letters. */
const UNSPACED = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
const WORD_CHAR = '[\\p{L}\\p{N}\\p{M}]';
const REGEX_ENTRY = /^\/(.+)\/([a-z]*)$/s;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A keyword as a regular expression: the whole word or phrase, case-insensitive, any run of
 * spaces between its words; it does not match inside a longer word of any script
 * ("Алматы" is not in "Алматыдағы"), except at an edge in a script written without spaces.
 */
function keywordPattern(keyword: string): RegExp {
  const text = keyword.normalize('NFC').trim();
  const body = text.split(/\s+/u).map(escapeRegExp).join('\\s+');
  const before = UNSPACED.test(text.at(0)!) ? '' : `(?<!${WORD_CHAR})`;
  const after = UNSPACED.test(text.at(-1)!) ? '' : `(?!${WORD_CHAR})`;
  return new RegExp(`${before}${body}${after}`, 'iu');
}

/** A `/…/flags` entry as written, else undefined. Invalid ones throw (see `keywordProblem`). */
function regexEntry(entry: string): RegExp | undefined {
  const match = REGEX_ENTRY.exec(entry.trim());
  if (!match) return undefined;
  // `g` and `y` make `test` remember where it stopped; each text is tested on its own.
  return new RegExp(match[1]!, match[2]!.replace(/[gy]/g, ''));
}

/** What is wrong with a keyword entry, if anything. */
export function keywordProblem(entry: string): string | undefined {
  if (entry.trim() === '') return 'an empty keyword matches nothing: remove it';
  try {
    regexEntry(entry);
    return undefined;
  } catch (err) {
    return `invalid regular expression ${entry}: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}

/** What is wrong with a category entry, if anything. */
export function categoryProblem(entry: string): string | undefined {
  return entry.trim() === '' ? 'an empty category matches nothing: remove it' : undefined;
}

const categoryKey = (name: string) => name.normalize('NFC').trim().toLowerCase();

interface Matcher {
  entry: string;
  test(article: Pick<Article, 'title' | 'summary' | 'categories'>): string | undefined;
}

function categoryMatcher(entry: string): Matcher {
  const key = categoryKey(entry);
  return { entry, test: (a) => a.categories.find((c) => categoryKey(c) === key) };
}

function keywordMatcher(entry: string): Matcher {
  const pattern = regexEntry(entry) ?? keywordPattern(entry);
  return {
    entry,
    test: (a) => {
      if (pattern.test(a.title.normalize('NFC'))) return 'title';
      if (pattern.test(a.summary.normalize('NFC'))) return 'summary';
      return undefined;
    },
  };
}

/**
 * The channel's filter as a function of an article (its title, the lead Herald extracted, its
 * categories). With an `include` list an article must match one of its entries; it must match
 * no `exclude` entry; categories and keywords must both pass. Expects entries checked by
 * `keywordProblem` and `categoryProblem`.
 */
export function compileFilter(filter: ChannelFilter | undefined): (article: Pick<Article, 'title' | 'summary' | 'categories'>) => FilterVerdict {
  if (!filter) return () => ({ pass: true });
  const all: { list: FilterList; include: boolean; matchers: Matcher[] }[] = [
    { list: 'categories.exclude', include: false, matchers: (filter.categories?.exclude ?? []).map(categoryMatcher) },
    { list: 'keywords.exclude', include: false, matchers: (filter.keywords?.exclude ?? []).map(keywordMatcher) },
    { list: 'categories.include', include: true, matchers: (filter.categories?.include ?? []).map(categoryMatcher) },
    { list: 'keywords.include', include: true, matchers: (filter.keywords?.include ?? []).map(keywordMatcher) },
  ];
  const lists = all.filter((l) => l.matchers.length > 0);

  return (article) => {
    for (const { list, include, matchers } of lists) {
      let hit: { entry: string; matched: string } | undefined;
      for (const m of matchers) {
        const matched = m.test(article);
        if (matched !== undefined) {
          hit = { entry: m.entry, matched };
          break;
        }
      }
      if (!include && hit) return { pass: false, rule: { list, ...hit } };
      if (include && !hit) return { pass: false, rule: { list } };
    }
    return { pass: true };
  };
}

/** The rule in words, for `preview`: `keywords.exclude "live updates" (in the title)`. */
export function describeRule(rule: FilterRule): string {
  if (rule.entry === undefined) return `${rule.list}: matches none of its entries`;
  const where = rule.list.startsWith('keywords') ? `in the ${rule.matched}` : `category "${rule.matched}"`;
  return `${rule.list} ${JSON.stringify(rule.entry)} (${where})`;
}
