/**
 * Feed text → Articles, with rss-parser (RSS 0.9x/1.0/2.0, Atom). Every failure comes out
 * as a FeedError naming the feed and saying what is wrong with it.
 */
import Parser from 'rss-parser';
import type { Article } from '../article.ts';
import { FeedError } from '../errors.ts';
import { collapseWhitespace, plainText } from './html-text.ts';
import { normalizeLink } from './link.ts';
import { listItem, whySkipped, type ListedArticle, type RawItem, type SkipReason } from './normalize.ts';
import { repairXml } from './xml-repair.ts';

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

interface RawFeed {
  title?: unknown;
  link?: unknown;
  items?: unknown;
}

export async function parseFeed(text: string, feed: { id: string; url: string }): Promise<ParsedFeed> {
  const listed = await listFeed(text, feed);
  return { ...listed, articles: listed.articles.map((a) => a.article()) };
}

export async function listFeed(text: string, feed: { id: string; url: string }): Promise<ListedFeed> {
  const xml = repairXml(text);
  const notAFeed = whyNotXml(xml);
  if (notAFeed) {
    throw new FeedError(feed.id, `${feed.url} is not a feed: ${notAFeed}; check the feed's url in the config`);
  }
  let raw: RawFeed;
  try {
    raw = (await newParser().parseString(xml)) as RawFeed;
  } catch (err) {
    throw new FeedError(feed.id, describeParseFailure(err, feed.url));
  }

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

function newParser() {
  return new Parser({
    defaultRSS: 2,
    customFields: {
      item: [
        ['media:content', 'mediaContent', { keepArray: true }],
        ['media:thumbnail', 'mediaThumbnail', { keepArray: true }],
        ['media:group', 'mediaGroup', { keepArray: true }],
        ['category', 'atomCategories', { keepArray: true }],
        ['feedburner:origLink', 'origLink', { keepArray: true }],
        ['link', 'links', { keepArray: true }],
        ['guid', 'guidElement', { keepArray: true }],
      ],
    },
  });
}

/** Input that cannot be XML at all, said plainly (a web page, JSON, nothing). */
function whyNotXml(xml: string): string | undefined {
  if (xml === '') return 'the document is empty';
  const start = xml.replace(/^(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|\s)*/, '');
  if (/^<!doctype\s+html|^<html[\s>]/i.test(start)) return 'it is an HTML page';
  if (!xml.startsWith('<')) return `it does not start with "<" but with ${JSON.stringify(xml.slice(0, 20))}`;
  return undefined;
}

function describeParseFailure(err: unknown, url: string): string {
  const message = err instanceof Error ? collapseWhitespace(err.message) : String(err);
  if (/not recognized as RSS|default RSS version/i.test(message)) {
    return `${url} is not an RSS or Atom feed (no <rss>, <rdf:RDF> or <feed> root element); check the feed's url in the config`;
  }
  if (/Unable to parse XML/.test(message)) {
    return `${url} is not a feed: it has no root element; check the feed's url in the config`;
  }
  if (err instanceof TypeError) {
    return `${url} is not a usable feed: its structure is not RSS or Atom (e.g. an <rss> without a <channel>); check the feed's url in the config`;
  }
  return `${url} has malformed XML (${message}): the feed is broken or was cut off; Herald will retry at the next poll`;
}
