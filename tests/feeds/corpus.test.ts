/**
 * Every real-world feed in tests/fixtures/feeds (sources and licenses in
 * tests/fixtures/SOURCES.md) goes through decode + parse and either yields well-formed
 * articles or fails with a FeedError naming the feed — never anything else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/article.ts';
import { FeedError } from '../../src/errors.ts';
import { decodeFeedBytes } from '../../src/feeds/decode.ts';
import type { ParsedFeed } from '../../src/feeds/list.ts';
import { parseFeed } from '../../src/feeds/parse.ts';

const corpus = path.resolve(import.meta.dirname, '../fixtures/feeds');
const files = fs
  .readdirSync(corpus, { recursive: true, encoding: 'utf8' })
  .filter((f) => fs.statSync(path.join(corpus, f)).isFile())
  .sort();

/** Files that are not usable feeds: ill-formed, truncated, channel-less or not RSS/Atom at all. */
const EXPECTED_FAILURES = [
  'danmactough-node-feedparser/nondefaultnamespace.atom',
  'feed-rs/rss_2.0_invalid_1.xml',
  'feedjira/DuplicateContentAtomFeed.xml',
  'feedjira/InvalidDateFormat.xml',
  'kurtmckee-feedparser/encoding__big5.xml',
  'kurtmckee-feedparser/encoding__bozo_encoding_mismatch_crash.xml',
  'kurtmckee-feedparser/encoding__utf-16be.xml',
  'kurtmckee-feedparser/encoding__utf-16le-bom.xml',
  'kurtmckee-feedparser/encoding__utf-32be-bom.xml',
  'kurtmckee-feedparser/encoding__utf-8-bom.xml',
  'kurtmckee-feedparser/illformed__aaa_illformed.xml',
  'kurtmckee-feedparser/illformed__always_strip_doctype.xml',
  'kurtmckee-feedparser/illformed__rdf_channel_empty_textinput.xml',
  'kurtmckee-feedparser/illformed__rss_empty_document.xml',
  'kurtmckee-feedparser/illformed__rss_incomplete_cdata.xml',
  'kurtmckee-feedparser/illformed__rss_item_link_corrupted_ampersands.xml',
  'rbren-rss-parser/unrecognized.rss',
];

type Outcome = { file: string; parsed: ParsedFeed } | { file: string; error: FeedError };

async function parseCorpusFile(file: string): Promise<Outcome> {
  const where = path.join(corpus, file);
  const feed = { id: file.replace(/[^A-Za-z0-9_.-]/g, '_'), url: where };
  try {
    return { file, parsed: await parseFeed(decodeFeedBytes(fs.readFileSync(where)), feed) };
  } catch (err) {
    if (!(err instanceof FeedError)) throw err;
    expect(err.feedId).toBe(feed.id);
    expect(err.message).toContain(`feed ${feed.id}: `);
    expect(err.message).toContain(where);
    return { file, error: err };
  }
}

function expectWellFormed(article: Article) {
  expect(article.id.trim()).not.toBe('');
  expect(article.title.trim()).not.toBe('');
  expect(article.title).toBe(article.title.replace(/\s+/g, ' ').trim());
  expect(article.link).toMatch(/^https?:\/\//);
  expect(new URL(article.link).href).toBe(article.link);
  expect(article.linkKey).toMatch(/^https?:\/\//);
  expect(`${article.title} ${article.summary} ${article.categories.join(' ')}`).not.toContain('\uFFFD');
  if (article.imageUrl !== undefined) expect(article.imageUrl).toMatch(/^https?:\/\//);
  if (article.publishedAt !== undefined) expect(new Date(article.publishedAt).toISOString()).toBe(article.publishedAt);
}

describe('the feed corpus', async () => {
  const outcomes = new Map<string, Outcome>();
  for (const file of files) outcomes.set(file, await parseCorpusFile(file));
  const parsed = (file: string) => {
    const outcome = outcomes.get(file);
    if (!outcome || !('parsed' in outcome)) throw new Error(`${file} did not parse`);
    return outcome.parsed;
  };

  it('holds the 140 feeds SOURCES.md lists', () => {
    expect(files).toHaveLength(140);
  });

  it('fails exactly the unusable files, each with a FeedError', () => {
    const failed = [...outcomes.values()].filter((o) => 'error' in o).map((o) => o.file);
    expect(failed).toEqual(EXPECTED_FAILURES);
  });

  it.each(files.filter((f) => !EXPECTED_FAILURES.includes(f)))('%s yields well-formed articles', (file) => {
    const { articles, skipped } = parsed(file);
    expect(skipped.every((s) => typeof s.reason === "string")).toBe(true);
    for (const article of articles) expectWellFormed(article);
  });

  it('decodes windows-1251 Cyrillic (iconv.xml) without U+FFFD', () => {
    const { articles } = parsed('danmactough-node-feedparser/iconv.xml');
    expect(articles).toHaveLength(10);
    expect(articles[0]?.title).toBe('В Бузулуке главные стройплощадки – детсад и Ледовый дворец');
  });

  it('decodes ISO-8859-1 feeds, including one whose <rss> has no version (uolNoticias)', () => {
    expect(parsed('rbren-rss-parser/encoding.rss').articles[0]?.title).toBe('Mãe de utente é a nova presidente da Raríssimas');
    expect(parsed('rbren-rss-parser/uolNoticias.rss').articles).toHaveLength(15);
  });

  it('gunzips a gzipped file and survives its invalid characters', () => {
    expect(parsed('danmactough-node-feedparser/invalid-characters-gzipped.xml').articles).toHaveLength(25);
  });

  it('survives a raw "&" in a link (saxerror.xml)', () => {
    const { articles } = parsed('danmactough-node-feedparser/saxerror.xml');
    expect(articles.map((a) => a.title)).toEqual(['Good Item', 'Bad Item', 'Item After Error']);
    expect(articles[1]?.link).toBe('http://example.com/bad?foo=1&bar=2');
  });

  it('reads UTF-8 mislabelled ISO-8859-1 as UTF-8 (mediacontent-dupes.xml)', () => {
    const [article] = parsed('danmactough-node-feedparser/mediacontent-dupes.xml').articles;
    expect(article?.title).toMatch(/^Could the infamous Black Dahlia case be about to be solved\?/);
  });

  it('takes WordPress categories, authors and leads (koerant-af.xml)', () => {
    const [article] = parsed('arminreiter-feedreader/koerant-af.xml').articles;
    expect(article).toMatchObject({
      title: 'Dr Bennie Cilliers moordverhoor vandag voortgesit in Rondgaande hof',
      author: 'Raymond',
      categories: ['Nuus', 'Suid-Afrika'],
    });
    expect(article?.summary).toMatch(/^Bethulie – Verskeie staatsgetuies /);
  });
});
