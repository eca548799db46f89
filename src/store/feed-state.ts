import type { Db } from './db.ts';
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
  const row = db.prepare<[string], FeedRow>('SELECT * FROM feeds WHERE id = ?').get(id);
  return row ? fromRow(row) : { id, cache: {}, failures: 0 };
}

export function allFeedStates(db: Db): FeedState[] {
  return db.prepare<[], FeedRow>('SELECT * FROM feeds ORDER BY id').all().map(fromRow);
}

/** A poll that answered: clears the failure count, keeps the HTTP validators. */
export function recordFeedSuccess(db: Db, id: string, cache: HttpCache | undefined, now: number): void {
  db.prepare(
    `INSERT INTO feeds (id, etag, last_modified, first_polled_at, last_poll_at, last_ok_at, failures)
     VALUES (@id, @etag, @lastModified, @now, @now, @now, 0)
     ON CONFLICT (id) DO UPDATE SET
       etag = CASE WHEN @keep THEN etag ELSE @etag END,
       last_modified = CASE WHEN @keep THEN last_modified ELSE @lastModified END,
       first_polled_at = COALESCE(first_polled_at, @now),
       last_poll_at = @now, last_ok_at = @now, last_error = NULL, failures = 0, next_poll_at = NULL`,
  ).run({ id, etag: cache?.etag ?? null, lastModified: cache?.lastModified ?? null, now, keep: cache ? 0 : 1 });
}

/** A failed poll: no poll before `nextPollAt` (backoff), the reason kept for `status`. */
export function recordFeedFailure(db: Db, id: string, error: string, now: number, nextPollAt: number): number {
  const row = db
    .prepare<unknown[], { failures: number }>(
      `INSERT INTO feeds (id, last_poll_at, last_error, failures, next_poll_at) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (id) DO UPDATE SET last_poll_at = excluded.last_poll_at, last_error = excluded.last_error,
         failures = failures + 1, next_poll_at = excluded.next_poll_at
       RETURNING failures`,
    )
    .get(id, now, error, nextPollAt);
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
