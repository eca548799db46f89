/**
 * Hashtags from an article's categories: `foreign policy` → `#ForeignPolicy`, in any script.
 *
 * Only a category a person would write as a hashtag becomes one (`hashtagFromCategory`):
 * publishing systems' bookkeeping categories never do, an index-form name ("Dorsey, Jack")
 * is written in reading order, SHOUTED CAPS are calmed, and what reads as a label rather
 * than a tag (more than three words, a taxonomy path with `:` or `/`, a comma list) is left out.
 */

export interface HashtagOptions {
  fromCategories: boolean;
  max: number;
  /** Always added, before those from categories; taken as written. */
  fixed: string[];
  /** Category → hashtag (without `#`); an empty string drops the category. */
  map?: Record<string, string>;
  /** Categories that never become hashtags, besides the built-in bookkeeping ones. */
  exclude?: string[];
}

const SEPARATOR = /[^\p{L}\p{N}\p{M}]+/u;
/** An apostrophe inside a word is left out, not a word break: "Women's rights" → #WomensRights. */
const INNER_APOSTROPHE = /(?<=\p{L})['’ʼ](?=\p{L})/gu;
const ALL_DIGITS = /^[\p{N}\p{M}]*$/u;
const MAX_WORDS = 3;
/** At least this many capitals and no small letter: SHOUTED. Fewer is an acronym (NATO, COVID-19). */
const SHOUTED_MIN_CAPITALS = 6;
/** A shouted word this short stays in capitals (USA TODAY → #USAToday). */
const ACRONYM_MAX_LETTERS = 3;

/**
 * Categories that WordPress, Drupal, Ghost, Arc, Joomla and similar systems add for their own
 * bookkeeping (placement on the site, defaults), in the languages the first outlets publish in.
 */
const BOOKKEEPING = [
  'Uncategorized', 'Uncategorised', 'Без рубрики', 'Без категории', 'Санатсыз', 'Allgemein', 'Non classé', 'Sin categoría',
  'General', 'Default', 'Misc', 'Miscellaneous', 'Other', 'All', 'All Posts', 'All News', 'Posts', 'Articles', 'Article', 'Blog',
  'Featured', 'Featured Posts', 'Featured Post', 'Featured Articles', 'Featured Stories', 'Featured News', 'Feature',
  'Top Stories', 'Top Story', 'Top News', 'Top', 'Main', 'Main Story', 'Lead Story', 'Headline', 'Headlines',
  'Homepage', 'Home', 'Home Page', 'Front Page', 'Frontpage', 'Promoted to front page', 'Sticky', 'Sticky at top of lists',
  'Most Popular', 'Most Read', 'Popular', 'Trending', 'Latest', 'Latest News', 'Recent', 'Recent Posts',
  'Slider', 'Main Slider', 'Home Slider', 'Featured Slider', 'Carousel', 'Hero', 'Ticker',
  "Editor's Picks", "Editors' Picks", 'Editor Picks', "Editor's Choice", 'Recommended', 'Must Read',
];

const MEMO_MAX = 10_000;

/**
 * `fn` remembering what it gave for each text: a feed's categories recur in every item and
 * on every channel. Forgets all once it holds `MEMO_MAX` texts, so memory stays flat.
 */
function remembered<T>(fn: (text: string) => T): (text: string) => T {
  const memo = new Map<string, T>();
  return (text) => {
    if (memo.has(text)) return memo.get(text)!;
    if (memo.size >= MEMO_MAX) memo.clear();
    const value = fn(text);
    memo.set(text, value);
    return value;
  };
}

/** A category compared with the lists above and the channel's `map` and `exclude`: its words, lowercased. */
const categoryKey = remembered((text: string): string => text.normalize('NFC').toLowerCase().split(SEPARATOR).join(''));

const BOOKKEEPING_KEYS = new Set(BOOKKEEPING.map(categoryKey));

function capitalize(word: string): string {
  const first = word.codePointAt(0)!;
  const head = String.fromCodePoint(first);
  return head.toUpperCase() + word.slice(head.length);
}

const words = (text: string) => text.split(SEPARATOR).filter(Boolean);

/** `#CamelCase` of a text; undefined when nothing usable is left (empty or digits only). */
function toHashtag(text: string): string | undefined {
  const body = words(text.normalize('NFC').replace(INNER_APOSTROPHE, '')).map(capitalize).join('');
  return ALL_DIGITS.test(body) ? undefined : `#${body}`;
}

/** `structure:sport`, `topics:places/ukraine`, `Business/Industries/Publishing`, `region|US`: a site's taxonomy. */
const TAXONOMY = /[:/|]/u;
const PARENTHESIZED_TAIL = /\s*\([^()]*\)\s*$/u;
const CAPITALIZED_WORD = /^\p{Lu}[\p{L}\p{M}.'’-]*$/u;

/** "Biden, Joseph R Jr" → "Joseph Biden"; undefined when the text is not a name in index form. */
function nameInReadingOrder(text: string): string | undefined {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 2) return undefined;
  const [surname, given] = parts.map((p) => p.split(/\s+/u)) as [string[], string[]];
  const isName = (ws: string[]) => ws.length >= 1 && ws.length <= MAX_WORDS && ws.every((w) => CAPITALIZED_WORD.test(w));
  if (!isName(surname) || !isName(given)) return undefined;
  return `${given[0]} ${surname.join(' ')}`;
}

/** SHOUTED CAPS in the case a person would write: each word capitalized, short ones (acronyms) kept. */
function calmed(text: string): string {
  const capitals = text.match(/\p{Lu}/gu)?.length ?? 0;
  if (capitals < SHOUTED_MIN_CAPITALS || /\p{Ll}/u.test(text)) return text;
  return text.replace(/\p{L}[\p{L}\p{M}]*/gu, (word) =>
    [...word].length <= ACRONYM_MAX_LETTERS ? word : capitalize(word.toLocaleLowerCase()),
  );
}

/**
 * The hashtag a person would write for a category, or undefined for one nobody would.
 * A trailing "(qualifier)" is dropped first ("Gowanus Canal (Brooklyn, NY)" → #GowanusCanal).
 */
export const hashtagFromCategory = remembered(hashtagOf);

function hashtagOf(category: string): string | undefined {
  let text = category.normalize('NFC').trim();
  while (PARENTHESIZED_TAIL.test(text)) text = text.replace(PARENTHESIZED_TAIL, '');
  if (TAXONOMY.test(text)) return undefined;
  if (text.includes(',')) {
    const name = nameInReadingOrder(text);
    if (name === undefined) return undefined;
    text = name;
  }
  text = calmed(text);
  if (words(text.replace(INNER_APOSTROPHE, '')).length > MAX_WORDS) return undefined;
  return toHashtag(text);
}

/** The hashtag of a category on a channel that renames the categories `mapped` to and leaves out the `excluded` (keys). */
function channelHashtag(category: string, mapped: Map<string, string>, excluded: Set<string>): string | undefined {
  const key = categoryKey(category);
  if (excluded.has(key)) return undefined;
  const renamed = mapped.get(key);
  if (renamed !== undefined) return toHashtag(renamed);
  if (BOOKKEEPING_KEYS.has(key)) return undefined;
  return hashtagFromCategory(category);
}

/** The post's hashtags: `fixed` first, then from the categories, deduplicated ignoring case, at most `max`. */
export function hashtagsFrom(categories: string[], opts: HashtagOptions): string[] {
  const tags: string[] = [];
  const keys: string[] = [];
  const add = (tag: string | undefined) => {
    if (!tag) return;
    const key = tag.toLowerCase();
    if (keys.includes(key)) return;
    keys.push(key);
    tags.push(tag);
  };
  for (let i = 0; i < opts.fixed.length && tags.length < opts.max; i++) add(toHashtag(opts.fixed[i]!));
  if (!opts.fromCategories || tags.length >= opts.max) return tags;
  const mapped = new Map(Object.entries(opts.map ?? {}).map(([from, to]) => [categoryKey(from), to]));
  const excluded = new Set((opts.exclude ?? []).map(categoryKey));
  for (let i = 0; i < categories.length && tags.length < opts.max; i++) add(channelHashtag(categories[i]!, mapped, excluded));
  return tags;
}
