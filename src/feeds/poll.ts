import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { FeedConfig } from '../config/feed-schema.ts';
import { FeedError } from '../errors.ts';
import type { Redactor } from '../redact.ts';
import { fetchFeedBytes } from './fetch.ts';
import type { FeedLedger } from './ledger.ts';
import type { SkippedItem } from './list.ts';
import { listFetched } from './parse-pool.ts';
import { planIngest, type ChannelControls, type ChannelEditing, type IngestReport } from './policy.ts';

export type PollResult =
  | { feedId: string; ok: true; notModified: boolean; report?: IngestReport; skipped: SkippedItem[] }
  | { feedId: string; ok: false; error: string; failures: number; nextPollAt: number };

export interface PollOptions {
  ledger: FeedLedger;
  baseDir: string;
  userAgent: string;
  logger: Logger;
  redact: Redactor;
  now?: () => number;
  /** The feed's next scheduled poll after a successful one (the daemon: its cron schedule's next tick, unless given); none for `once`. */
  nextPollAt?: (feed: FeedConfig, now: number) => number | undefined;
  /** Aborts fetches under way (shutdown); an aborted poll records nothing. */
  signal?: AbortSignal;
  /** The channels' filters, priorities and review (see `channelControls`). */
  controls?: ChannelControls;
  /** The channels' ways with corrections (see `channelEditing`). */
  editing?: ChannelEditing;
}

/** After a failed poll, wait this long times 2^(failures-1), at most an hour. */
const FEED_BACKOFF_BASE_MS = 60_000;
const FEED_BACKOFF_CAP_MS = 3_600_000;

/**
 * Polls one feed: fetch (conditional GET), parse and list (on the parse thread), look up what the store knows, decide with
 * the pure policy, and record the decided plan in one call. A 304 is recorded and nothing more. Any failure is that feed's alone:
 * it is recorded with a backoff and returned, never thrown.
 */
export async function pollFeed(feed: FeedConfig, channelIds: string[], opts: PollOptions): Promise<PollResult> {
  const now = opts.now ?? Date.now;
  const log = opts.logger.child({ feed: feed.id });
  const { ledger } = opts;
  const state = await ledger.feedState(feed.id);
  try {
    const fetched = await fetchFeedBytes(feed, state.firstPolledAt === undefined ? {} : state.cache, {
      baseDir: opts.baseDir,
      userAgent: opts.userAgent,
      signal: opts.signal,
    });
    if (fetched.kind === 'not-modified') {
      const at = now();
      await ledger.recordUnchanged(feed.id, at, opts.nextPollAt?.(feed, at));
      log.debug('not modified');
      return { feedId: feed.id, ok: true, notModified: true, skipped: [] };
    }
    const parsed = await listFetched(fetched, feed);
    await turnOfItsOwn();
    const firstPoll = state.firstPolledAt === undefined;
    // A feed's articles are recorded in the transaction that ends its first poll: before it, none is known.
    const known = firstPoll ? [] : await ledger.knownArticles(feed.id, parsed.articles);
    await turnOfItsOwn();
    const at = now();
    const { plan, report } = planIngest({
      feed,
      articles: parsed.articles,
      known,
      firstPoll,
      channelIds,
      controls: opts.controls,
      editing: opts.editing,
      cache: fetched.cache,
      now: at,
      nextPollAt: opts.nextPollAt?.(feed, at),
    });
    await ledger.record(plan);
    log.info({ ...report, skippedItems: parsed.skipped.length }, 'polled');
    if (report.held > 0) {
      log.warn(
        { held: report.held },
        `flood guard: ${report.held} new items at once; held, not posted — \`herald release ${feed.id}\` to post them or \`herald skip --held\` to drop them`,
      );
    }
    return { feedId: feed.id, ok: true, notModified: false, report, skipped: parsed.skipped };
  } catch (err) {
    if (opts.signal?.aborted) return { feedId: feed.id, ok: false, error: 'stopped', failures: state.failures, nextPollAt: now() };
    const message = opts.redact(
      err instanceof FeedError ? err.message : `feed ${feed.id}: unexpected failure: ${err instanceof Error ? err.message : String(err)}`,
    );
    const failures = state.failures + 1;
    const at = now();
    const backoff = at + Math.min(FEED_BACKOFF_CAP_MS, FEED_BACKOFF_BASE_MS * 2 ** (failures - 1));
    const nextPollAt = Math.max(backoff, opts.nextPollAt?.(feed, at) ?? 0);
    await ledger.recordFailure(feed.id, message, at, nextPollAt);
    log.error({ error: message, failures, nextPollAt: new Date(nextPollAt).toISOString() }, 'poll failed');
    return { feedId: feed.id, ok: false, error: message, failures, nextPollAt };
  }
}

let lastTurn: Promise<void> = Promise.resolve();

/**
 * Resolves on a turn of the event loop after every earlier caller's: feeds parsed together
 * are listed and ingested (synchronous work) one per turn, with timers and I/O between them, instead
 * of back to back in one long block.
 */
function turnOfItsOwn(): Promise<void> {
  const turn = lastTurn.then(() => nextTurn());
  lastTurn = turn;
  return turn;
}
