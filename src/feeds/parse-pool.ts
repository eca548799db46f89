/**
 * Feeds are decoded, parsed and listed on a thread of their own: the main thread fetches the
 * next feeds and records the last ones meanwhile, instead of waiting on the XML parser (the most
 * CPU a poll costs), and the daemon's console and metrics stay responsive while a 10 MB feed
 * is parsed. The thread starts on first use, does not keep the process alive when idle, and
 * when it cannot start or dies, feeds are parsed on the main thread instead.
 */
import { Worker } from 'node:worker_threads';
import type { FeedConfig } from '../config/feed-schema.ts';
import { FeedError } from '../errors.ts';
import type { FetchedBytes } from './fetch.ts';
import { listRawFeed, receivedListing, type ListedFeed, type SentListing } from './list.ts';

type Fetched = Extract<FetchedBytes, { kind: 'fetched' }>;

export interface ParseJob {
  id: number;
  /** A copy of the fetched bytes: the caller keeps its own, to parse them itself should the thread die. */
  bytes: Uint8Array;
  contentType?: string;
  url: string;
  feed: Pick<FeedConfig, 'id' | 'maxBytes'>;
}

export interface ParseAnswer {
  id: number;
  listing?: SentListing;
  /** A FeedError's detail and hint, or a bug's message. */
  failure?: { detail: string; hint?: string } | { bug: string };
}

interface Thread {
  worker: Worker;
  pending: Map<number, { feedId: string; resolve: (listing: SentListing) => void; reject: (err: unknown) => void }>;
  answered: boolean;
}

/** The parse thread's bundled entry beside the chunk this is bundled into, or its sources through tsx. */
const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './parse-thread-sources.mjs' : './parse-thread.js', import.meta.url);

let thread: Thread | undefined;
/** The thread failed before it parsed anything, not for want of memory: it cannot run here, and is not tried again. */
let unavailable = false;
let nextId = 0;

/** Thrown for the jobs of a thread that died: they are parsed again on the main thread. */
class ThreadGone extends Error {}

export async function listFetched(fetched: Fetched, feed: Pick<FeedConfig, 'id' | 'maxBytes'>): Promise<ListedFeed> {
  const running = unavailable ? undefined : (thread ?? start());
  if (running) {
    try {
      return receivedListing(await ask(running, fetched, feed));
    } catch (err) {
      if (!(err instanceof ThreadGone)) throw err;
    }
  }
  const [{ decodeFetched }, { parseRawFeed }] = await Promise.all([import('./decode.ts'), import('./parse.ts')]);
  const where = { id: feed.id, url: fetched.url };
  return listRawFeed(await parseRawFeed(decodeFetched(fetched, feed), where), where);
}

function ask(running: Thread, fetched: Fetched, feed: Pick<FeedConfig, 'id' | 'maxBytes'>): Promise<SentListing> {
  const id = nextId++;
  const job: ParseJob = { id, bytes: fetched.bytes, url: fetched.url, feed: { id: feed.id, maxBytes: feed.maxBytes }, ...(fetched.contentType !== undefined && { contentType: fetched.contentType }) };
  return new Promise((resolve, reject) => {
    if (running.pending.size === 0) running.worker.ref();
    running.pending.set(id, { feedId: feed.id, resolve, reject });
    running.worker.postMessage(job);
  });
}

function start(): Thread {
  const worker = new Worker(ENTRY);
  worker.unref();
  const started: Thread = { worker, pending: new Map(), answered: false };
  worker.on('message', (answer: ParseAnswer) => {
    started.answered = true;
    const job = started.pending.get(answer.id);
    if (!job) return;
    started.pending.delete(answer.id);
    if (started.pending.size === 0) worker.unref();
    if (answer.listing) job.resolve(answer.listing);
    else job.reject(failureOf(answer.failure!, job.feedId));
  });
  const gone = (reason: unknown) => {
    if (thread === started) thread = undefined;
    if (!started.answered && reason instanceof Error && (reason as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') unavailable = true;
    for (const job of started.pending.values()) job.reject(new ThreadGone(String(reason)));
    started.pending.clear();
  };
  worker.on('error', gone);
  worker.on('exit', gone);
  thread = started;
  return started;
}

/** Ends the parse thread (the daemon's shutdown); feeds being parsed on it are parsed on the main thread, and the next poll starts it again. */
export async function stopParseThread(): Promise<void> {
  await thread?.worker.terminate();
}

function failureOf(failure: NonNullable<ParseAnswer['failure']>, feedId: string): Error {
  return 'bug' in failure ? new Error(failure.bug) : new FeedError(feedId, failure.detail, failure.hint);
}
