/**
 * Which version of an article a post shows: a hash of its title and lead as a reader sees
 * them. The article's text is already plain (entities decoded, tags stripped, whitespace
 * collapsed, see normalize.ts); what is left here is noise no reader sees: the Unicode
 * normalization form, the kind of white space, invisible characters. Nothing else of the
 * article (date, categories, image, author) is part of a version.
 */
import { createHash } from 'node:crypto';
import type { Article } from '../article.ts';

/** Changes when what is hashed changes, so a stored hash of another scheme is not taken for a correction. */
const SCHEME = 'v1';

/** Zero-width space, word joiner, byte-order mark, soft hyphen: shown as nothing. */
const INVISIBLE = /[\u200B\u2060\uFEFF\u00AD]/gu;

function visible(text: string): string {
  return text.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
}

export function contentHash(article: Pick<Article, 'title' | 'summary'>): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([visible(article.title), visible(article.summary)]))
    .digest('base64url');
  return `${SCHEME}:${digest}`;
}

/**
 * Whether an article recorded with `previous` and now hashing to `current` was corrected.
 * An article recorded without a hash, or under another scheme, was not: its hash is
 * recorded, and only later changes are corrections.
 */
export function isCorrection(previous: string | undefined, current: string): boolean {
  return previous !== undefined && previous.startsWith(`${SCHEME}:`) && previous !== current;
}
