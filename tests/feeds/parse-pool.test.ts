import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { listingToSend, receivedListing } from '../../src/feeds/list.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import { listFetched, stopParseThread } from '../../src/feeds/parse-pool.ts';
import { feedError } from '../helpers/feed-error.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures');
const bytesOf = (name: string) => fs.readFileSync(path.join(fixtures, name));
const feed = { id: 'outlet', maxBytes: 10_485_760 };
const url = 'https://astanatimes.com/feed/';
const fetched = (bytes: Buffer, contentType?: string) => ({ kind: 'fetched' as const, bytes, url, cache: {}, ...(contentType && { contentType }) });

async function listedOffThread(bytes: Buffer) {
  const listed = await listFetched(fetched(bytes), feed);
  return { ...listed, articles: listed.articles.map((a) => a.article()) };
}

afterEach(() => stopParseThread());

describe('parsing on the parse thread', () => {
  it('gives the articles parsing on the main thread gives, for feeds in flight together', async () => {
    const names = ['astanatimes-feed.xml', 'edge-cases.xml', 'astanatimes-feed.xml'];
    const offThread = await Promise.all(names.map((name) => listedOffThread(bytesOf(name))));
    for (const [i, name] of names.entries()) {
      const onMain = await parseFeed(bytesOf(name).toString('utf8'), { id: feed.id, url });
      expect(offThread[i]).toEqual(onMain);
      expect(onMain.articles.length).toBeGreaterThan(0);
    }
  });

  it('sends the items to the main thread as one serialized block, read only when an article is', () => {
    const raw = { items: [{ title: 'Story', link: 'https://example.kz/1', content: '<p>Lead.</p>' }] };
    const sent = listingToSend(raw, { id: feed.id, url });
    const unreadable = receivedListing({ ...sent, items: Uint8Array.of(0xff, 0x0f) });
    expect(unreadable.articles.map((a) => a.link)).toEqual(['https://example.kz/1']);
    expect(() => unreadable.articles[0]!.article()).toThrow();
    expect(receivedListing(structuredClone(sent)).articles[0]!.article().title).toBe('Story');
  });

  it('leaves the main thread free while a big feed is parsed', async () => {
    const item = (i: number) => `<item><title>Story ${i}</title><link>https://example.kz/${i}</link><description>${'Lead text. '.repeat(150)}</description></item>`;
    const big = Buffer.from(`<rss version="2.0"><channel>${Array.from({ length: 3000 }, (_, i) => item(i)).join('')}</channel></rss>`);
    await listedOffThread(bytesOf('edge-cases.xml'));
    let timerRan = false;
    setTimeout(() => (timerRan = true), 50);
    const listed = await listFetched(fetched(big), feed);
    // Parsed on the main thread, the feed would have kept the timer waiting until it was done.
    expect(timerRan).toBe(true);
    expect(listed.articles).toHaveLength(3000);
  });

  it('decodes on the thread by the Content-Type charset', async () => {
    const xml = '<rss version="2.0"><channel><item><title>Caf\u00e9 ouvert</title><link>https://example.fr/1</link></item></channel></rss>';
    const { articles } = await listedOffThread(Buffer.from(xml, 'latin1'));
    expect(articles[0]!.title).toBe('Café ouvert');
    const labelled = await listFetched(fetched(Buffer.from(xml, 'latin1'), 'text/xml; charset=iso-8859-1'), feed);
    expect(labelled.articles[0]!.title).toBe('Café ouvert');
  });

  it('fails what is no feed with the FeedError the main thread would give', async () => {
    const page = await feedError(listFetched(fetched(Buffer.from('<!doctype html><html><body>Hi</body></html>')), feed));
    expect(page.message).toBe(`feed outlet: ${url} is not a feed: it is an HTML page; check the feed's url in the config`);
    const gzip = gzipSync(Buffer.alloc(2_000_000, 0x20));
    const bomb = await feedError(listFetched(fetched(gzip), { id: feed.id, maxBytes: 1_000_000 }));
    expect(bomb.message).toBe(`feed outlet: ${url} holds gzip content inflates to more than 1000000 bytes; check the feed's url or raise its maxBytes`);
  });

  it('parses on the main thread what was on the thread when it stopped, and starts it again for the next feed', async () => {
    const bytes = bytesOf('astanatimes-feed.xml');
    const expected = await listedOffThread(bytes);
    const inFlight = Array.from({ length: 4 }, () => listedOffThread(bytes));
    await stopParseThread();
    for (const listed of await Promise.all(inFlight)) expect(listed).toEqual(expected);
    expect(await listedOffThread(bytes)).toEqual(expected);
  });
});
