/**
 * Feed text → Articles, with rss-parser (RSS 0.9x/1.0/2.0, Atom). Every failure comes out
 * as a FeedError naming the feed and saying what is wrong with it.
 */
import Parser from 'rss-parser';
import { FeedError } from '../errors.ts';
import { collapseWhitespace } from './html-text.ts';
import { listRawFeed, type ListedFeed, type ParsedFeed, type RawFeed } from './list.ts';
import { rawItemOf } from './normalize.ts';
import { repairXml } from './xml-repair.ts';
import { xmlTree } from './xml-tree.ts';

export async function parseFeed(text: string, feed: { id: string; url: string }): Promise<ParsedFeed> {
  const listed = await listFeed(text, feed);
  return { ...listed, articles: listed.articles.map((a) => a.article()) };
}

export async function listFeed(text: string, feed: { id: string; url: string }): Promise<ListedFeed> {
  return listRawFeed(await parseRawFeed(text, feed), feed);
}

/** The text, repaired where that cannot change what it says, as rss-parser reads it; a FeedError when it is no feed. */
export async function parseRawFeed(text: string, feed: { id: string; url: string }): Promise<RawFeed> {
  const xml = repairXml(text);
  const notAFeed = whyNotXml(xml);
  if (notAFeed) {
    throw new FeedError(feed.id, `${feed.url} is not a feed: ${notAFeed}; check the feed's url in the config`);
  }
  let parsed: { title?: unknown; link?: unknown; items?: unknown };
  try {
    parsed = await newParser().parseString(xml);
  } catch (err) {
    throw new FeedError(feed.id, describeParseFailure(err, feed.url));
  }
  const items = Array.isArray(parsed.items) ? (parsed.items as Record<string, unknown>[]).map(rawItemOf) : [];
  return { title: parsed.title, link: parsed.link, items };
}

type TreeCallback = (err: unknown, tree?: unknown) => void;

/** rss-parser, reading the XML with xmlTree where it can, else with its own xml2js. */
function newParser() {
  const parser = new Parser({
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
  }) as Parser & { xmlParser: { parseString(xml: string, done: TreeCallback): void } };
  const xml2js = parser.xmlParser;
  parser.xmlParser = {
    parseString(xml, done) {
      const tree = xmlTree(xml);
      if (tree) done(null, tree);
      else xml2js.parseString(xml, done);
    },
  };
  return parser;
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
