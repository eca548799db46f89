import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type http from 'node:http';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedSchema, type FeedConfig } from '../../src/config/feed-schema.ts';
import { fetchFeed, type FetchOptions, type HttpCache } from '../../src/feeds/fetch.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import { feedError } from '../helpers/feed-error.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures');
const fixtureText = fs.readFileSync(path.join(fixtures, 'astanatimes-feed.xml'), 'utf8');
const RSS = { 'content-type': 'application/rss+xml; charset=UTF-8' };
const options: FetchOptions = { baseDir: fixtures, userAgent: 'Herald/0.1 (+https://example.org/herald)' };

const cyrillicFeed = (declaration: string) =>
  `<?xml version="1.0"${declaration}?><rss version="2.0"><channel><title>Новости Казахстана</title>` +
  `<item><title>Токаев провёл встречу</title><link>https://example.kz/1</link>` +
  `<description>Президент Касым-Жомарт Токаев встретился с инвесторами.</description></item></channel></rss>`;

function feedAt(url: string, extra: Partial<FeedConfig> = {}): FeedConfig {
  return feedSchema.parse({ id: 'astanatimes', url, ...extra });
}

/** Resolves when the server side of the response is closed (the client hung up or it ended). */
function closed(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => res.on('close', () => resolve()));
}

let fake: HttpFake;
beforeAll(async () => {
  fake = await startFake();
});
afterAll(() => fake.close());

describe('fetchFeed over HTTP', () => {
  it('returns the decoded body, the validators and the final URL, naming Herald in the User-Agent', async () => {
    fake.route('GET', '/feed', () => ({
      headers: { ...RSS, etag: '"v1"', 'last-modified': 'Wed, 22 May 2024 09:41:17 GMT' },
      body: fixtureText,
    }));
    const result = await fetchFeed(feedAt(`${fake.url}/feed`), {}, options);
    expect(result).toEqual({
      kind: 'fetched',
      text: fixtureText,
      cache: { etag: '"v1"', lastModified: 'Wed, 22 May 2024 09:41:17 GMT' },
      url: `${fake.url}/feed`,
    });
    const request = fake.requests.at(-1)!;
    expect(request.headers['user-agent']).toBe(options.userAgent);
    expect(request.headers.accept).toMatch(/application\/rss\+xml/);
    expect(request.headers['if-none-match']).toBeUndefined();
    expect(request.headers['if-modified-since']).toBeUndefined();
  });

  it('sends If-None-Match and If-Modified-Since from the cache and reports a 304 as not modified', async () => {
    fake.route('GET', '/conditional', (req) =>
      req.headers['if-none-match'] === '"v1"' ? { status: 304 } : { headers: RSS, body: fixtureText },
    );
    const cache: HttpCache = { etag: '"v1"', lastModified: 'Wed, 22 May 2024 09:41:17 GMT' };
    const result = await fetchFeed(feedAt(`${fake.url}/conditional`), cache, options);
    expect(result).toEqual({ kind: 'not-modified' });
    const request = fake.requests.at(-1)!;
    expect(request.headers['if-none-match']).toBe('"v1"');
    expect(request.headers['if-modified-since']).toBe('Wed, 22 May 2024 09:41:17 GMT');
  });

  it('fails a 404 saying there is no feed at the URL and to check the config', async () => {
    fake.route('GET', '/missing', () => ({ status: 404, body: 'no such page' }));
    const err = await feedError(fetchFeed(feedAt(`${fake.url}/missing`), {}, options));
    expect(err.feedId).toBe('astanatimes');
    expect(err.message).toBe(
      `feed astanatimes: HTTP 404 from ${fake.url}/missing: there is no feed at this address; check the feed's url in the config`,
    );
  });

  it('fails a 500 saying the server failed and that Herald will retry', async () => {
    fake.route('GET', '/broken', () => ({ status: 500, body: 'oops' }));
    const err = await feedError(fetchFeed(feedAt(`${fake.url}/broken`), {}, options));
    expect(err.message).toBe(
      `feed astanatimes: HTTP 500 from ${fake.url}/broken: the server failed; Herald will retry at the next poll`,
    );
  });

  it('follows a chain of redirects (absolute and relative) and reports the final URL', async () => {
    fake.route('GET', '/old-feed', () => ({ status: 301, headers: { location: `${fake.url}/moved` } }));
    fake.route('GET', '/moved', () => ({ status: 302, headers: { location: '/feed/' } }));
    fake.route('GET', '/feed/', () => ({ status: 307, headers: { location: 'final' } }));
    fake.route('GET', '/feed/final', () => ({ headers: RSS, body: fixtureText }));
    const result = await fetchFeed(feedAt(`${fake.url}/old-feed`), {}, options);
    expect(result).toMatchObject({ kind: 'fetched', url: `${fake.url}/feed/final`, text: fixtureText });
  });

  it('follows exactly five redirects but fails the sixth, naming the chain', async () => {
    for (let i = 0; i < 6; i++) fake.route('GET', `/hop${i}`, () => ({ status: 302, headers: { location: `/hop${i + 1}` } }));
    fake.route('GET', '/hop6', () => ({ headers: RSS, body: fixtureText }));
    const fiveHops = await fetchFeed(feedAt(`${fake.url}/hop1`), {}, options);
    expect(fiveHops).toMatchObject({ kind: 'fetched', url: `${fake.url}/hop6` });

    const err = await feedError(fetchFeed(feedAt(`${fake.url}/hop0`), {}, options));
    const chain = [0, 1, 2, 3, 4, 5, 6].map((i) => `${fake.url}/hop${i}`).join(' → ');
    expect(err.message).toBe(`feed astanatimes: more than 5 redirects: ${chain}; set the feed's url to the final address`);
  });

  it('fails a redirect loop clearly', async () => {
    fake.route('GET', '/loop-a', () => ({ status: 301, headers: { location: '/loop-b' } }));
    fake.route('GET', '/loop-b', () => ({ status: 301, headers: { location: '/loop-a' } }));
    const err = await feedError(fetchFeed(feedAt(`${fake.url}/loop-a`), {}, options));
    expect(err.message).toBe(
      `feed astanatimes: redirect loop: ${fake.url}/loop-a → ${fake.url}/loop-b → ${fake.url}/loop-a; the server is misconfigured, Herald will retry at the next poll`,
    );
  });

  it('times out a body trickled slower than timeoutSeconds and hangs up on the server', async () => {
    let hungUp: Promise<void> = Promise.resolve();
    fake.route('GET', '/trickle', (_req, res) => {
      res.writeHead(200, RSS);
      res.write('<?xml version="1.0"?><rss version="2.0"><channel>');
      const timer = setInterval(() => res.write(' '), 50);
      hungUp = closed(res).then(() => clearInterval(timer));
      return undefined;
    });
    const err = await feedError(fetchFeed(feedAt(`${fake.url}/trickle`, { timeoutSeconds: 0.5 }), {}, options));
    expect(err.message).toBe(
      `feed astanatimes: no complete response from ${fake.url}/trickle within 0.5 s: the server is too slow; Herald will retry at the next poll (raise the feed's timeoutSeconds if it is always this slow)`,
    );
    await hungUp;
  });

  it('stops reading a body larger than maxBytes and fails the feed', async () => {
    let hungUp: Promise<void> = Promise.resolve();
    let sentBytes = 0;
    fake.route('GET', '/endless', (_req, res) => {
      res.writeHead(200, RSS);
      const pump = () => {
        while (!res.destroyed) {
          sentBytes += 16 * 1024;
          if (!res.write(Buffer.alloc(16 * 1024, 0x20))) return void res.once('drain', pump);
        }
      };
      pump();
      hungUp = closed(res);
      return undefined;
    });
    const err = await feedError(fetchFeed(feedAt(`${fake.url}/endless`, { maxBytes: 100_000 }), {}, options));
    expect(err.message).toBe(
      `feed astanatimes: the response from ${fake.url}/endless is larger than the feed's maxBytes (100000 bytes); Herald stopped reading it — raise maxBytes if the feed really is this big`,
    );
    await hungUp;
    expect(sentBytes).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over maxBytes without waiting for the body', async () => {
    let hungUp: Promise<void> = Promise.resolve();
    fake.route('GET', '/big', (_req, res) => {
      res.writeHead(200, { ...RSS, 'content-length': '5000000' });
      res.write('<?xml version="1.0"?>');
      hungUp = closed(res);
      return undefined;
    });
    const err = await feedError(fetchFeed(feedAt(`${fake.url}/big`, { maxBytes: 4_999_999, timeoutSeconds: 5 }), {}, options));
    expect(err.message).toMatch(/is larger than the feed's maxBytes \(4999999 bytes\)/);
    await hungUp;
  });

  it('counts maxBytes on the decompressed body, so a gzip bomb fails', async () => {
    fake.route('GET', '/bomb', () => ({
      headers: { ...RSS, 'content-encoding': 'gzip' },
      body: gzipSync(Buffer.alloc(5_000_000, 0x20)),
    }));
    const err = await feedError(fetchFeed(feedAt(`${fake.url}/bomb`, { maxBytes: 1_000_000 }), {}, options));
    expect(err.message).toMatch(/is larger than the feed's maxBytes \(1000000 bytes\)/);
  });

  it('decodes gzip and deflate content encodings', async () => {
    fake.route('GET', '/gzip', () => ({ headers: { ...RSS, 'content-encoding': 'gzip' }, body: gzipSync(fixtureText) }));
    fake.route('GET', '/deflate', () => ({ headers: { ...RSS, 'content-encoding': 'deflate' }, body: deflateSync(fixtureText) }));
    expect(await fetchFeed(feedAt(`${fake.url}/gzip`), {}, options)).toMatchObject({ kind: 'fetched', text: fixtureText });
    expect(await fetchFeed(feedAt(`${fake.url}/deflate`), {}, options)).toMatchObject({ kind: 'fetched', text: fixtureText });
    expect(fake.requests.at(-1)!.headers['accept-encoding']).toMatch(/gzip/);
  });

  it('decodes brotli, and gzip over brotli (codings listed in the order applied)', async () => {
    fake.route('GET', '/br', () => ({ headers: { ...RSS, 'content-encoding': 'br' }, body: brotliCompressSync(fixtureText) }));
    fake.route('GET', '/br-gzip', () => ({ headers: { ...RSS, 'content-encoding': 'br, gzip' }, body: gzipSync(brotliCompressSync(fixtureText)) }));
    expect(await fetchFeed(feedAt(`${fake.url}/br`), {}, options)).toMatchObject({ kind: 'fetched', text: fixtureText });
    expect(await fetchFeed(feedAt(`${fake.url}/br-gzip`), {}, options)).toMatchObject({ kind: 'fetched', text: fixtureText });
  });

  it('fails a compressed body that is corrupt, naming the URL', async () => {
    fake.route('GET', '/corrupt-gzip', () => ({ headers: { ...RSS, 'content-encoding': 'gzip' }, body: Buffer.from('not gzip at all') }));
    const err = await feedError(fetchFeed(feedAt(`${fake.url}/corrupt-gzip`), {}, options));
    expect(err.message).toMatch(/cannot fetch http:\/\/127\.0\.0\.1:\d+\/corrupt-gzip \(.*header.*\); Herald will retry at the next poll/);
  });

  it('sends a request again on a new connection when the kept-alive one it reused was closed by the server', async () => {
    const sockets = new Set<unknown>();
    let reset = 0;
    fake.route('GET', '/kept-alive', (_req, res) => {
      if (sockets.has(res.socket)) {
        reset++;
        res.socket!.destroy();
        return undefined;
      }
      sockets.add(res.socket);
      return { headers: RSS, body: fixtureText };
    });
    const feed = feedAt(`${fake.url}/kept-alive`);
    expect(await fetchFeed(feed, {}, options)).toMatchObject({ kind: 'fetched', text: fixtureText });
    expect(await fetchFeed(feed, {}, options)).toMatchObject({ kind: 'fetched', text: fixtureText });
    expect(reset).toBe(1);
    expect(sockets.size).toBe(2);
  });

  it('decodes windows-1251 named by the Content-Type charset', async () => {
    const xml = cyrillicFeed('');
    fake.route('GET', '/cp1251-header', () => ({
      headers: { 'content-type': 'text/xml; charset=windows-1251' },
      body: iconv.encode(xml, 'windows-1251'),
    }));
    const result = await fetchFeed(feedAt(`${fake.url}/cp1251-header`), {}, options);
    expect(result).toMatchObject({ kind: 'fetched', text: xml });
  });

  it('decodes windows-1251 named only by the XML declaration, into Cyrillic articles', async () => {
    const xml = cyrillicFeed(' encoding="windows-1251"');
    fake.route('GET', '/cp1251-declared', () => ({
      headers: { 'content-type': 'application/rss+xml' },
      body: iconv.encode(xml, 'windows-1251'),
    }));
    const result = await fetchFeed(feedAt(`${fake.url}/cp1251-declared`), {}, options);
    if (result.kind !== 'fetched') throw new Error('expected a body');
    expect(result.text).toBe(xml);
    const parsed = await parseFeed(result.text, { id: 'kz', url: result.url });
    expect(parsed.title).toBe('Новости Казахстана');
    expect(parsed.articles.map((a) => [a.title, a.summary])).toEqual([
      ['Токаев провёл встречу', 'Президент Касым-Жомарт Токаев встретился с инвесторами.'],
    ]);
  });

  it('fails an unreachable server saying it cannot fetch the URL', async () => {
    const gone = await startFake();
    const url = `${gone.url}/feed`;
    await gone.close();
    const err = await feedError(fetchFeed(feedAt(url), {}, options));
    expect(err.message).toMatch(
      new RegExp(`^feed astanatimes: cannot fetch ${url.replace(/[.]/g, '\\.')} \\(.*ECONNREFUSED.*\\); Herald will retry at the next poll`),
    );
  });

  it('stops when the caller aborts, saying the fetch was cancelled', async () => {
    let hungUp: Promise<void> = Promise.resolve();
    fake.route('GET', '/slow', (_req, res) => {
      res.writeHead(200, RSS);
      hungUp = closed(res);
      return undefined;
    });
    const controller = new AbortController();
    const pending = fetchFeed(feedAt(`${fake.url}/slow`), {}, { ...options, signal: controller.signal });
    while (!fake.requests.some((r) => r.path === '/slow')) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    const err = await feedError(pending);
    expect(err.message).toBe(`feed astanatimes: fetching ${fake.url}/slow was cancelled; it will be fetched at the next poll`);
    await hungUp;
  });
});

describe('fetchFeed from local files', () => {
  const absolute = path.join(fixtures, 'astanatimes-feed.xml');

  it('reads a path relative to baseDir, an absolute path and a file:// URL', async () => {
    for (const url of ['astanatimes-feed.xml', absolute, pathToFileURL(absolute).href]) {
      expect(await fetchFeed(feedAt(url), {}, options)).toEqual({ kind: 'fetched', text: fixtureText, cache: {}, url: absolute });
    }
  });

  it('reads a gzipped file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-feed-'));
    try {
      fs.writeFileSync(path.join(dir, 'feed.xml.gz'), gzipSync(fixtureText));
      const result = await fetchFeed(feedAt('feed.xml.gz'), {}, { ...options, baseDir: dir });
      expect(result).toMatchObject({ kind: 'fetched', text: fixtureText });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails a missing file naming the path it resolved to', async () => {
    const err = await feedError(fetchFeed(feedAt('no-such-feed.xml'), {}, options));
    expect(err.message).toBe(
      `feed astanatimes: feed file ${path.join(fixtures, 'no-such-feed.xml')} does not exist (resolved against ${fixtures}); check the feed's url in the config`,
    );
  });

  it('fails a file larger than maxBytes', async () => {
    const err = await feedError(fetchFeed(feedAt(absolute, { maxBytes: 1000 }), {}, options));
    expect(err.message).toMatch(new RegExp(`is larger than the feed's maxBytes \\(${fs.statSync(absolute).size} > 1000 bytes\\)`));
  });

  it('refuses a scheme it cannot read', async () => {
    const err = await feedError(fetchFeed(feedAt('ftp://example.org/feed.xml'), {}, options));
    expect(err.message).toBe(
      'feed astanatimes: ftp://example.org/feed.xml is not a feed address Herald can read: use an http(s) URL, a file:// URL or a file path',
    );
  });
});
