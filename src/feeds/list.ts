/**
 * A feed as rss-parser read it → its articles as listed (see ListedArticle), and the items
 * that are none. On the parse thread, the listing is made to be sent (SentListing): each
 * article's identity, and the items serialized together, which the main thread deserializes
 * only if a whole article is read (a new or a known article, not one only marked seen).
 * No XML is read here.
 */
import v8 from 'node:v8';
import type { Article, ArticleIdentity } from '../article.ts';
import { collapseWhitespace, plainText } from './html-text.ts';
import { normalizeLink } from './link.ts';
import { identify, lazyArticle, whySkipped, type ListedArticle, type RawItem, type SkipReason } from './normalize.ts';

/** A feed as rss-parser reads it. */
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

/** A listing as it crosses from the parse thread (plain data). */
export interface SentListing extends Omit<ParsedFeed, 'articles'> {
  identities: ArticleIdentity[];
  /** The articles' items, in the same order, by v8.serialize: three times as fast as JSON, and not cloned as objects. */
  items: Uint8Array;
}

export interface SkippedItem {
  title?: string;
  link?: string;
  reason: SkipReason;
}

export function listRawFeed(raw: RawFeed, feed: { id: string; url: string }): ListedFeed {
  const { found, ...rest } = entries(raw, feed);
  return { ...rest, articles: found.map(({ identity, item }) => lazyArticle(identity, () => item)) };
}

export function listingToSend(raw: RawFeed, feed: { id: string; url: string }): SentListing {
  const { found, ...rest } = entries(raw, feed);
  return { ...rest, identities: found.map((f) => f.identity), items: v8.serialize(found.map((f) => f.item)) };
}

export function receivedListing({ identities, items, ...rest }: SentListing): ListedFeed {
  let read: RawItem[] | undefined;
  const item = (i: number) => (read ??= v8.deserialize(items) as RawItem[])[i]!;
  return { ...rest, articles: identities.map((identity, i) => lazyArticle(identity, () => item(i))) };
}

/** Each article's identity and item, in feed order (an item repeating an earlier one's id is the same article), and the items that are none. */
function entries(raw: RawFeed, feed: { id: string; url: string }) {
  const base = [feed.url, typeof raw.link === 'string' ? raw.link : undefined]
    .map((candidate) => (candidate === undefined ? undefined : normalizeLink(candidate)?.absolute))
    .find((candidate) => candidate !== undefined);
  const found: { identity: ArticleIdentity; item: RawItem }[] = [];
  const skipped: SkippedItem[] = [];
  const seen = new Set<string>();
  const items = Array.isArray(raw.items) ? (raw.items as RawItem[]) : [];
  const context = { feedId: feed.id, base };
  for (const item of items) {
    const identity = identify(item, context);
    if (!identity) {
      skipped.push(describeSkipped(item, whySkipped(item, context)));
      continue;
    }
    if (seen.has(identity.id)) continue;
    seen.add(identity.id);
    found.push({ identity, item });
  }
  const title = typeof raw.title === 'string' ? plainText(raw.title) : '';
  return { ...(title ? { title } : {}), found, skipped };
}

function describeSkipped(item: RawItem, reason: SkipReason): SkippedItem {
  const text = (value: unknown) => (typeof value === 'string' ? collapseWhitespace(plainText(value)).slice(0, 200) : undefined);
  const title = text(item.title);
  const link = typeof item.link === 'string' ? item.link.trim().slice(0, 200) : undefined;
  return { ...(title ? { title } : {}), ...(link ? { link } : {}), reason };
}
