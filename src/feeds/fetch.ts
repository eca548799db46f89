/**
 * Getting a feed's bytes: an http(s) URL with a conditional GET and hard limits, or a
 * local file. Every failure is a FeedError saying what went wrong, where, and what to do.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeedConfig } from '../config/feed-schema.ts';
import { FeedError } from '../errors.ts';
import { decodeFeedBytes, UndecodableFeedError } from './decode.ts';

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

export type FetchResult =
  | { kind: 'not-modified' }
  | {
      kind: 'fetched';
      /** Decoded. */
      text: string;
      cache: HttpCache;
      /** Final URL after redirects, or the absolute file path. */
      url: string;
    };

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8';
const RETRY = 'Herald will retry at the next poll';
/** The reason a finished fetch's signal is aborted with (without one, each abort builds a DOMException). */
const FINISHED = new Error('the response was read');

export function fetchFeed(feed: FeedConfig, cache: HttpCache, opts: FetchOptions): Promise<FetchResult> {
  if (/^https?:\/\//i.test(feed.url)) return fetchHttp(feed, cache, opts);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(feed.url) && !/^file:/i.test(feed.url)) {
    return Promise.reject(
      new FeedError(feed.id, `${feed.url} is not a feed address Herald can read: use an http(s) URL, a file:// URL or a file path`),
    );
  }
  return readLocalFeed(feed, opts.baseDir);
}

async function fetchHttp(feed: FeedConfig, cache: HttpCache, opts: FetchOptions): Promise<FetchResult> {
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
      const response = await fetch(url, { headers, redirect: 'manual', signal: controller.signal });
      if (REDIRECT_STATUSES.has(response.status)) {
        await response.body?.cancel();
        const from = url;
        url = redirectTarget(feed, response, url, visited);
        visited.push(url);
        // As fetch itself does: credentials are for the origin they were given for.
        if (new URL(url).origin !== new URL(from).origin) delete headers.authorization;
        continue;
      }
      if (response.status === 304) {
        await response.body?.cancel();
        return { kind: 'not-modified' };
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new FeedError(feed.id, describeStatus(response.status, url));
      }
      const bytes = await readCapped(response, feed, url);
      return {
        kind: 'fetched',
        text: decode(bytes, response.headers.get('content-type') ?? undefined, feed, url),
        cache: cacheOf(response),
        url,
      };
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
    // The response is read or cancelled by now. Aborting unhooks fetch's own listener from this
    // signal at once; left to fetch's finalizer, each poll's signal stayed until a major GC ran it.
    controller.abort(FINISHED);
    opts.signal?.removeEventListener('abort', cancel);
  }
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

function redirectTarget(feed: FeedConfig, response: Response, from: string, visited: string[]): string {
  const location = response.headers.get('location');
  if (!location) {
    throw new FeedError(feed.id, `HTTP ${response.status} redirect from ${from} names no Location: the server is misconfigured; ${RETRY}`);
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
async function readCapped(response: Response, feed: FeedConfig, url: string): Promise<Buffer> {
  const tooLarge = () =>
    new FeedError(
      feed.id,
      `the response from ${url} is larger than the feed's maxBytes (${feed.maxBytes} bytes); Herald stopped reading it — raise maxBytes if the feed really is this big`,
    );
  if (Number(response.headers.get('content-length')) > feed.maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    total += value.byteLength;
    if (total > feed.maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
}

function cacheOf(response: Response): HttpCache {
  const etag = response.headers.get('etag');
  const lastModified = response.headers.get('last-modified');
  return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

function decode(bytes: Buffer, contentType: string | undefined, feed: FeedConfig, where: string): string {
  try {
    return decodeFeedBytes(bytes, contentType, feed.maxBytes);
  } catch (err) {
    if (!(err instanceof UndecodableFeedError)) throw err;
    throw new FeedError(feed.id, `${where} holds ${err.message}; check the feed's url or raise its maxBytes`);
  }
}

/** The most specific reason undici gives (`fetch failed` hides it in `cause`). */
function networkDetail(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as NodeJS.ErrnoException).code;
  return code && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
}

async function readLocalFeed(feed: FeedConfig, baseDir: string): Promise<FetchResult> {
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
  return { kind: 'fetched', text: decode(bytes, undefined, feed, file), cache: {}, url: file };
}

function describeFileError(err: NodeJS.ErrnoException, file: string, configured: string, baseDir: string): string {
  const resolvedFrom = path.isAbsolute(configured) || /^file:/i.test(configured) ? '' : ` (resolved against ${baseDir})`;
  if (err.code === 'ENOENT') return `feed file ${file} does not exist${resolvedFrom}; check the feed's url in the config`;
  if (err.code === 'EACCES' || err.code === 'EPERM') return `feed file ${file} cannot be read: permission denied; let Herald's user read it`;
  if (err.code === 'EISDIR') return `${file} is a directory, not a feed file; check the feed's url in the config`;
  return `cannot read feed file ${file} (${err.message}); check the feed's url in the config`;
}
