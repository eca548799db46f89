/** Hashtags from an article's categories: `foreign policy` → `#ForeignPolicy`, in any script. */

const SEPARATOR = /[^\p{L}\p{N}\p{M}]+/u;
const ALL_DIGITS = /^[\p{N}\p{M}]*$/u;

function capitalize(word: string): string {
  const first = word.codePointAt(0)!;
  const head = String.fromCodePoint(first);
  return head.toUpperCase() + word.slice(head.length);
}

/** `#CamelCase` of a category or a configured tag; undefined when nothing usable is left (empty or digits only). */
function toHashtag(text: string): string | undefined {
  const body = text
    .split(SEPARATOR)
    .filter(Boolean)
    .map(capitalize)
    .join('');
  return ALL_DIGITS.test(body) ? undefined : `#${body}`;
}

/** The post's hashtags: `fixed` first, then from the categories, deduplicated ignoring case, at most `max`. */
export function hashtagsFrom(categories: string[], opts: { fromCategories: boolean; max: number; fixed: string[] }): string[] {
  const sources = opts.fromCategories ? [...opts.fixed, ...categories] : opts.fixed;
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const source of sources) {
    if (tags.length >= opts.max) break;
    const tag = toHashtag(source);
    if (!tag) continue;
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
  }
  return tags;
}
