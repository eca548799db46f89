import { statement, type Db } from './db.ts';
import type { HttpCache } from '../feeds/fetch.ts';

export interface FeedState {
  id: string;
  cache: HttpCache;
  firstPolledAt?: number;
  lastPollAt?: number;
  lastOkAt?: number;
  lastError?: string;
  failures: number;
  nextPollAt?: number;
}

interface FeedRow {
  id: string;
  etag: string | null;
  last_modified: string | null;
  first_polled_at: number | null;
  last_poll_at: number | null;
  last_ok_at: number | null;
  last_error: string | null;
  failures: number;
  next_poll_at: number | null;
}

export function getFeedState(db: Db, id: string): FeedState {
  const row = statement<[string], FeedRow>(db, 'SELECT * FROM feeds WHERE id = ?').get(id);
  return row ? fromRow(row) : { id, cache: {}, failures: 0 };
}

export function allFeedStates(db: Db): FeedState[] {
  return statement<[], FeedRow>(db, 'SELECT * FROM feeds ORDER BY id').all().map(fromRow);
}

/** A poll that answered: clears the failure count, keeps the HTTP validators. */
export function recordFeedSuccess(db: Db, id: string, cache: HttpCache | undefined, now: number): void {
  statement(
    db,
    `INSERT INTO feeds (id, etag, last_modified, first_polled_at, last_poll_at, last_ok_at, failures)
     VALUES (@id, @etag, @lastModified, @now, @now, @now, 0)
     ON CONFLICT (id) DO UPDATE SET
       etag = CASE WHEN @keep THEN etag ELSE @etag END,
       last_modified = CASE WHEN @keep THEN last_modified ELSE @lastModified END,
       first_polled_at = COALESCE(first_polled_at, @now),
       last_poll_at = @now, last_ok_at = @now, last_error = NULL, failures = 0, next_poll_at = NULL`,
  ).run({ id, etag: cache?.etag ?? null, lastModified: cache?.lastModified ?? null, now, keep: cache ? 0 : 1 });
}

/** Unchanged-feed polls waiting to be written together, per store. */
const unchangedPolls = new WeakMap<Db, { polls: Map<string, number>; written: Promise<void> }>();

/**
 * A poll that found the feed unchanged (HTTP 304), recorded as a success. Such polls ending
 * in the same turn of the event loop are written in one transaction on the next turn (one
 * disk flush for all of them, not one each); the promise resolves once this one is on disk.
 */
export function recordFeedUnchanged(db: Db, id: string, now: number): Promise<void> {
  let batch = unchangedPolls.get(db);
  if (!batch) {
    const polls = new Map<string, number>();
    const written = new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        unchangedPolls.delete(db);
        try {
          db.transaction(() => polls.forEach((at, feedId) => recordFeedSuccess(db, feedId, undefined, at)))();
          resolve();
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    batch = { polls, written };
    unchangedPolls.set(db, batch);
  }
  batch.polls.set(id, now);
  return batch.written;
}

/** A failed poll: no poll before `nextPollAt` (backoff), the reason kept for `status`. */
export function recordFeedFailure(db: Db, id: string, error: string, now: number, nextPollAt: number): number {
  const row = statement<unknown[], { failures: number }>(
    db,
    `INSERT INTO feeds (id, last_poll_at, last_error, failures, next_poll_at) VALUES (?, ?, ?, 1, ?)
     ON CONFLICT (id) DO UPDATE SET last_poll_at = excluded.last_poll_at, last_error = excluded.last_error,
       failures = failures + 1, next_poll_at = excluded.next_poll_at
     RETURNING failures`,
  ).get(id, now, error, nextPollAt);
  return row?.failures ?? 1;
}

function fromRow(row: FeedRow): FeedState {
  return {
    id: row.id,
    cache: { etag: row.etag ?? undefined, lastModified: row.last_modified ?? undefined },
    firstPolledAt: row.first_polled_at ?? undefined,
    lastPollAt: row.last_poll_at ?? undefined,
    lastOkAt: row.last_ok_at ?? undefined,
    lastError: row.last_error ?? undefined,
    failures: row.failures,
    nextPollAt: row.next_poll_at ?? undefined,
  };
}
