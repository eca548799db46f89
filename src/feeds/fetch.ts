/**
 * Getting a feed's bytes: an http(s) URL with a conditional GET and hard limits, or a
 * local file. Every failure is a FeedError saying what went wrong, where, and what to do.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeedConfig } from '../config/feed-schema.ts';
import { FeedError } from '../errors.ts';
import { httpGet, type GetResponse } from './http-get.ts';

export interface HttpCache {
  etag?: string;
  lastModified?: string;
}

export interface FetchOptions {
  /** Relative file paths resolve against it. */
  baseDir: string;
  userAgent: string;
  signal?: AbortSignal;
}

export type FetchResult = { kind: 'not-modified' } | (Fetched & { /** Decoded. */ text: string });

/** A feed's bytes as they came, to be decoded (decodeFetched) where they are parsed. */
export type FetchedBytes = { kind: 'not-modified' } | (Fetched & { bytes: Buffer; contentType?: string });

interface Fetched {
  kind: 'fetched';
  cache: HttpCache;
  /** Final URL after redirects, or the absolute file path. */
  url: string;
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8';
const RETRY = 'Herald will retry at the next poll';

export async function fetchFeed(feed: FeedConfig, cache: HttpCache, opts: FetchOptions): Promise<FetchResult> {
  const fetched = await fetchFeedBytes(feed, cache, opts);
  if (fetched.kind === 'not-modified') return fetched;
  // Loaded here: a poll decodes on the parse thread, and the main thread need not load iconv-lite's tables.
  const { decodeFetched } = await import('./decode.ts');
  return { kind: 'fetched', cache: fetched.cache, url: fetched.url, text: decodeFetched(fetched, feed) };
}

export function fetchFeedBytes(feed: FeedConfig, cache: HttpCache, opts: FetchOptions): Promise<FetchedBytes> {
  if (/^https?:\/\//i.test(feed.url)) return fetchHttp(feed, cache, opts);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(feed.url) && !/^file:/i.test(feed.url)) {
    return Promise.reject(
      new FeedError(feed.id, `${feed.url} is not a feed address Herald can read: use an http(s) URL, a file:// URL or a file path`),
    );
  }
  return readLocalFeed(feed, opts.baseDir);
}

async function fetchHttp(feed: FeedConfig, cache: HttpCache, opts: FetchOptions): Promise<FetchedBytes> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, feed.timeoutSeconds * 1000);
  const cancel = () => controller.abort();
  opts.signal?.addEventListener('abort', cancel, { once: true });
  if (opts.signal?.aborted) cancel();

  const { url: withoutCredentials, authorization } = credentialsOf(feed.url);
  const headers: Record<string, string> = {
    'user-agent': opts.userAgent,
    accept: ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
    ...(authorization && { authorization }),
    ...lowerCased(feed.headers),
  };
  if (cache.etag) headers['if-none-match'] = cache.etag;
  if (cache.lastModified) headers['if-modified-since'] = cache.lastModified;

  let url = withoutCredentials;
  const visited = [url];
  try {
    for (;;) {
      const response = await httpGet(url, headers, controller.signal);
      if (REDIRECT_STATUSES.has(response.status)) {
        response.discard();
        const from = url;
        url = redirectTarget(feed, header(response, 'location'), response.status, url, visited);
        visited.push(url);
        // As fetch does: credentials are for the origin they were given for.
        if (new URL(url).origin !== new URL(from).origin) delete headers.authorization;
        continue;
      }
      if (response.status === 304) {
        response.discard();
        return { kind: 'not-modified' };
      }
      if (response.status < 200 || response.status > 299) {
        response.discard();
        throw new FeedError(feed.id, describeStatus(response.status, url));
      }
      const contentType = header(response, 'content-type');
      return { kind: 'fetched', bytes: await readCapped(response, feed, url), ...(contentType && { contentType }), cache: cacheOf(response), url };
    }
  } catch (err) {
    if (err instanceof FeedError) throw err;
    if (timedOut) {
      throw new FeedError(
        feed.id,
        `no complete response from ${url} within ${feed.timeoutSeconds} s: the server is too slow; ${RETRY} (raise the feed's timeoutSeconds if it is always this slow)`,
      );
    }
    if (opts.signal?.aborted) {
      throw new FeedError(feed.id, `fetching ${url} was cancelled; it will be fetched at the next poll`);
    }
    throw new FeedError(feed.id, `cannot fetch ${url} (${networkDetail(err)}); ${RETRY}, check the feed's url if this persists`);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', cancel);
  }
}

function header(response: GetResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** fetch refuses a URL with `user:password@`: they go as HTTP Basic auth instead. */
function credentialsOf(configured: string): { url: string; authorization?: string } {
  if (!URL.canParse(configured)) return { url: configured };
  const url = new URL(configured);
  if (!url.username && !url.password) return { url: url.href };
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  return { url: url.href, authorization };
}

function lowerCased(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

function redirectTarget(feed: FeedConfig, location: string | undefined, status: number, from: string, visited: string[]): string {
  if (!location) {
    throw new FeedError(feed.id, `HTTP ${status} redirect from ${from} names no Location: the server is misconfigured; ${RETRY}`);
  }
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw new FeedError(feed.id, `${from} redirects to an invalid URL ${JSON.stringify(location)}: the server is misconfigured; ${RETRY}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new FeedError(feed.id, `${from} redirects to ${target.href}, which is not http(s): Herald does not follow it; fix the feed's url`);
  }
  const chain = [...visited, target.href].join(' → ');
  if (visited.includes(target.href)) {
    throw new FeedError(feed.id, `redirect loop: ${chain}; the server is misconfigured, ${RETRY}`);
  }
  if (visited.length > MAX_REDIRECTS) {
    throw new FeedError(feed.id, `more than ${MAX_REDIRECTS} redirects: ${chain}; set the feed's url to the final address`);
  }
  return target.href;
}

function describeStatus(status: number, url: string): string {
  const what = `HTTP ${status} from ${url}`;
  if (status === 404 || status === 410) return `${what}: there is no feed at this address; check the feed's url in the config`;
  if (status === 401 || status === 403) {
    return `${what}: the server refuses Herald; check the feed's url, and whether the site blocks Herald's User-Agent`;
  }
  if (status === 429) return `${what}: the server is rate-limiting Herald; ${RETRY} (a slower schedule may help)`;
  if (status >= 500) return `${what}: the server failed; ${RETRY}`;
  return `${what}: the server refused the request; check the feed's url in the config`;
}

/** Reads the (decompressed) body, giving up as soon as it passes the feed's maxBytes. */
function readCapped(response: GetResponse, feed: FeedConfig, url: string): Promise<Buffer> {
  const tooLarge = () =>
    new FeedError(
      feed.id,
      `the response from ${url} is larger than the feed's maxBytes (${feed.maxBytes} bytes); Herald stopped reading it — raise maxBytes if the feed really is this big`,
    );
  if (Number(header(response, 'content-length')) > feed.maxBytes) {
    response.abandon();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    response.body.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total <= feed.maxBytes) return void chunks.push(chunk);
      response.body.removeAllListeners('data');
      response.abandon();
      reject(tooLarge());
    });
    response.body.on('end', () => resolve(Buffer.concat(chunks, total)));
    response.body.on('error', reject);
    // A body cut short (the server hung up) ends in 'close' without 'end' or an error.
    response.body.on('close', () => reject(new Error('the server closed the connection before the body was complete')));
  });
}

function cacheOf(response: GetResponse): HttpCache {
  const etag = header(response, 'etag');
  const lastModified = header(response, 'last-modified');
  return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

/** The most specific reason: the error's code beside its message, or its cause's. */
function networkDetail(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as NodeJS.ErrnoException).code;
  return code && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
}

async function readLocalFeed(feed: FeedConfig, baseDir: string): Promise<FetchedBytes> {
  let file: string;
  try {
    file = /^file:/i.test(feed.url) ? fileURLToPath(feed.url) : path.resolve(baseDir, feed.url);
  } catch (err) {
    throw new FeedError(feed.id, `${feed.url} is not a usable file URL (${(err as Error).message}); use file:///absolute/path or a plain path`);
  }
  let bytes: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > feed.maxBytes) {
        throw new FeedError(
          feed.id,
          `${file} is larger than the feed's maxBytes (${size} > ${feed.maxBytes} bytes); raise maxBytes if the feed really is this big`,
        );
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof FeedError) throw err;
    throw new FeedError(feed.id, describeFileError(err as NodeJS.ErrnoException, file, feed.url, baseDir));
  }
  return { kind: 'fetched', bytes, cache: {}, url: file };
}

function describeFileError(err: NodeJS.ErrnoException, file: string, configured: string, baseDir: string): string {
  const resolvedFrom = path.isAbsolute(configured) || /^file:/i.test(configured) ? '' : ` (resolved against ${baseDir})`;
  if (err.code === 'ENOENT') return `feed file ${file} does not exist${resolvedFrom}; check the feed's url in the config`;
  if (err.code === 'EACCES' || err.code === 'EPERM') return `feed file ${file} cannot be read: permission denied; let Herald's user read it`;
  if (err.code === 'EISDIR') return `${file} is a directory, not a feed file; check the feed's url in the config`;
  return `cannot read feed file ${file} (${err.message}); check the feed's url in the config`;
}
