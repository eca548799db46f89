/**
 * A feed as rss-parser read it → its articles as listed (see ListedArticle), and the items
 * that are none. No XML is read here: this runs on the main thread, the parsing on the parse thread.
 */
import type { Article } from '../article.ts';
import { collapseWhitespace, plainText } from './html-text.ts';
import { normalizeLink } from './link.ts';
import { listItem, whySkipped, type ListedArticle, type RawItem, type SkipReason } from './normalize.ts';

/** A feed as rss-parser reads it (plain data: it crosses from the parse thread as it is). */
export interface RawFeed {
  title?: unknown;
  link?: unknown;
  items?: unknown;
}

export interface ParsedFeed {
  title?: string;
  articles: Article[];
  /** Items that are not articles Herald can post, and why. (An item repeating an earlier one's id is the same article, not skipped.) */
  skipped: SkippedItem[];
}

/** A feed as listed: each article's identity read, the rest of it read when asked for (see ListedArticle). */
export interface ListedFeed extends Omit<ParsedFeed, 'articles'> {
  articles: ListedArticle[];
}

export interface SkippedItem {
  title?: string;
  link?: string;
  reason: SkipReason;
}

export function listRawFeed(raw: RawFeed, feed: { id: string; url: string }): ListedFeed {
  const base = [feed.url, typeof raw.link === 'string' ? raw.link : undefined]
    .map((candidate) => (candidate === undefined ? undefined : normalizeLink(candidate)?.absolute))
    .find((candidate) => candidate !== undefined);
  const articles: ListedArticle[] = [];
  const skipped: SkippedItem[] = [];
  const seen = new Set<string>();
  const items = Array.isArray(raw.items) ? (raw.items as RawItem[]) : [];
  const context = { feedId: feed.id, base };
  for (const item of items) {
    const article = listItem(item, context);
    if (!article) {
      skipped.push(describeSkipped(item, whySkipped(item, context)));
      continue;
    }
    if (seen.has(article.id)) continue;
    seen.add(article.id);
    articles.push(article);
  }
  const title = typeof raw.title === 'string' ? plainText(raw.title) : '';
  return { ...(title ? { title } : {}), articles, skipped };
}

function describeSkipped(item: RawItem, reason: SkipReason): SkippedItem {
  const text = (value: unknown) => (typeof value === 'string' ? collapseWhitespace(plainText(value)).slice(0, 200) : undefined);
  const title = text(item.title);
  const link = typeof item.link === 'string' ? item.link.trim().slice(0, 200) : undefined;
  return { ...(title ? { title } : {}), ...(link ? { link } : {}), reason };
}
