import os from 'node:os';
import { UserError } from '../../errors.ts';
import { LEASE_MS, type WorkerIdentity, type WorkerInfo } from '../../scheduler/leases.ts';
import { INTERRUPTED_DETAIL } from '../rows.ts';
import { statement, unsyncedTransaction, type Db } from './db.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
}

/**
 * One worker per SQLite store: a second one refuses to start rather than mistake the first
 * one's sends for interrupted ones. A worker on this host is alive while its process is; one
 * elsewhere while its heartbeat is recent.
 */
export function register(db: Db, w: WorkerIdentity, now: number): void {
  db.transaction(() => {
    for (const other of statement<[], WorkerRow>(db, 'SELECT * FROM workers').all()) {
      if (other.id === w.id) continue;
      const alive = other.host === os.hostname() ? other.pid !== process.pid && isAlive(other.pid) : now - other.heartbeat_at < LEASE_MS;
      if (alive) {
        throw new UserError(
          `another Herald worker (pid ${other.pid} on ${other.host}) is using this store`,
          'stop it first, or point this one at another `store`',
        );
      }
    }
    statement(db, 'DELETE FROM workers').run();
    statement(db, 'DELETE FROM channel_leases').run();
    statement(db, 'UPDATE feeds SET poll_worker = NULL, poll_lease_until = NULL WHERE poll_worker IS NOT NULL').run();
    statement(db, 'INSERT INTO workers (id, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)').run(w.id, w.host, w.pid, now, now);
  }).immediate();
}

export function heartbeat(db: Db, workerId: string, now: number): void {
  db.transaction(() => {
    statement(db, 'UPDATE workers SET heartbeat_at = ? WHERE id = ?').run(now, workerId);
    statement(db, 'UPDATE channel_leases SET lease_until = ? WHERE worker_id = ?').run(now + LEASE_MS, workerId);
    statement(db, 'UPDATE feeds SET poll_lease_until = ? WHERE poll_worker = ?').run(now + LEASE_MS, workerId);
  })();
}

export function unregister(db: Db, workerId: string): void {
  db.transaction(() => {
    statement(db, 'DELETE FROM channel_leases WHERE worker_id = ?').run(workerId);
    statement(db, 'UPDATE feeds SET poll_worker = NULL, poll_lease_until = NULL WHERE poll_worker = ?').run(workerId);
    statement(db, 'DELETE FROM workers WHERE id = ?').run(workerId);
  })();
}

/**
 * Lists of feed ids this process has made sure have a row, per store, and each list as a set:
 * a daemon passes its own list of thousands several times a second.
 */
const ensured = new WeakMap<Db, WeakSet<string[]>>();
const asSets = new WeakMap<string[], Set<string>>();

function ensureFeeds(db: Db, feedIds: string[]): void {
  let lists = ensured.get(db);
  if (!lists) ensured.set(db, (lists = new WeakSet()));
  if (lists.has(feedIds)) return;
  statement(db, 'INSERT INTO feeds (id) SELECT value FROM json_each(?) WHERE true ON CONFLICT (id) DO NOTHING').run(JSON.stringify(feedIds));
  lists.add(feedIds);
}

function asSet(feedIds: string[]): Set<string> {
  let set = asSets.get(feedIds);
  if (!set) asSets.set(feedIds, (set = new Set(feedIds)));
  return set;
}

/**
 * Free feeds, most overdue first (never polled before all): with `dueOnly` those whose next
 * poll time has come, read through the next-poll index, so a claim costs what it returns and
 * not the number of feeds (a daemon claims several times a second). Rows of feeds no longer
 * configured are passed over.
 */
const FREE = '(poll_worker IS NULL OR poll_lease_until < @now)';
const NEVER_POLLED = `SELECT id FROM feeds WHERE next_poll_at IS NULL AND ${FREE}`;
const DUE_BY_TIME = `SELECT id FROM feeds WHERE next_poll_at <= @now AND ${FREE} ORDER BY next_poll_at`;
const ANY_BY_TIME = `SELECT id FROM feeds WHERE next_poll_at IS NOT NULL AND ${FREE} ORDER BY next_poll_at`;

function* freeFeeds(db: Db, feedIds: string[], now: number, dueOnly: boolean): Generator<string> {
  const configured = asSet(feedIds);
  for (const sql of [NEVER_POLLED, dueOnly ? DUE_BY_TIME : ANY_BY_TIME]) {
    for (const { id } of statement<[{ now: number }], { id: string }>(db, sql).iterate({ now })) if (configured.has(id)) yield id;
  }
}

/** A feed's lease needs no disk flush: a worker starting on a SQLite store clears every lease (see register). */
export function claimFeeds(db: Db, workerId: string, feedIds: string[], now: number, opts: { dueOnly: boolean; limit: number }): string[] {
  return unsyncedTransaction(db, () => {
    ensureFeeds(db, feedIds);
    const claimed: string[] = [];
    for (const id of freeFeeds(db, feedIds, now, opts.dueOnly)) {
      claimed.push(id);
      if (claimed.length === opts.limit) break;
    }
    const claim = statement(db, 'UPDATE feeds SET poll_worker = ?, poll_lease_until = ? WHERE id = ?');
    for (const id of claimed) claim.run(workerId, now + LEASE_MS, id);
    return claimed;
  });
}

export function releaseFeed(db: Db, workerId: string, feedId: string): void {
  unsyncedTransaction(db, () => statement(db, 'UPDATE feeds SET poll_worker = NULL, poll_lease_until = NULL WHERE id = ? AND poll_worker = ?').run(feedId, workerId));
}

export function nextPollAt(db: Db, feedIds: string[], now: number): number | undefined {
  if (!ensured.get(db)?.has(feedIds)) {
    // A feed without a row has never been polled.
    const { missing } = statement<[string], { missing: number }>(db, 'SELECT COUNT(*) - COUNT(f.id) AS missing FROM json_each(?) i LEFT JOIN feeds f ON f.id = i.value').get(JSON.stringify(feedIds))!;
    if (missing > 0) return undefined;
  }
  const configured = asSet(feedIds);
  for (const sql of [NEVER_POLLED, `SELECT id, next_poll_at FROM feeds WHERE next_poll_at IS NOT NULL AND ${FREE} ORDER BY next_poll_at`]) {
    for (const row of statement<[{ now: number }], { id: string; next_poll_at?: number }>(db, sql).iterate({ now })) {
      if (configured.has(row.id)) return row.next_poll_at ?? undefined;
    }
  }
  return Number.POSITIVE_INFINITY;
}

/** The only worker holds every channel. */
export function claimChannels(db: Db, workerId: string, channelIds: string[], now: number): string[] {
  db.transaction(() => {
    for (const id of channelIds) {
      statement(db, 'INSERT INTO channel_leases (channel_id, worker_id, lease_until) VALUES (?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET worker_id = excluded.worker_id, lease_until = excluded.lease_until').run(
        id,
        workerId,
        now + LEASE_MS,
      );
    }
  })();
  return channelIds;
}

export function recoverAbandoned(db: Db, canResend: (channelId: string) => boolean, now: number): { resent: number; inDoubt: number } {
  return db.transaction(() => {
    const abandoned = statement<[number], { id: number; kind: string; channel_id: string; attempts: number }>(
      db,
      `SELECT id, kind, channel_id, attempts FROM deliveries WHERE state = 'sending'
       AND (claimed_by IS NULL OR claimed_by NOT IN (SELECT id FROM workers WHERE heartbeat_at >= ?))`,
    ).all(now - LEASE_MS);
    let resent = 0;
    for (const d of abandoned) {
      statement(db, `UPDATE attempts SET outcome = 'interrupted', code = 'interrupted', finished_at = ?, detail = ? WHERE delivery_id = ? AND n = ? AND finished_at IS NULL`).run(
        now,
        INTERRUPTED_DETAIL,
        d.id,
        d.attempts,
      );
      // An edit sets the post to a text: sending it again is always safe.
      if (d.kind === 'edit' || canResend(d.channel_id)) {
        statement(db, `UPDATE deliveries SET state = 'pending', resend = 1, due_at = ?, claimed_by = NULL WHERE id = ? AND state = 'sending'`).run(now, d.id);
        resent++;
      } else {
        statement(
          db,
          `UPDATE deliveries SET state = 'in_doubt', settled_at = ?, last_error = ?, last_code = 'interrupted', claimed_by = NULL WHERE id = ? AND state = 'sending'`,
        ).run(now, `interrupted mid-send: ${INTERRUPTED_DETAIL}; the post may or may not be on the platform`, d.id);
      }
    }
    return { resent, inDoubt: abandoned.length - resent };
  })();
}

export function workers(db: Db, now: number): WorkerInfo[] {
  return statement<[number], WorkerRow>(db, 'SELECT * FROM workers WHERE heartbeat_at >= ? ORDER BY started_at')
    .all(now - LEASE_MS)
    .map((w) => ({
      id: w.id,
      host: w.host,
      pid: w.pid,
      startedAt: w.started_at,
      heartbeatAt: w.heartbeat_at,
      feeds: statement<[string], { id: string }>(db, 'SELECT id FROM feeds WHERE poll_worker = ? ORDER BY id').all(w.id).map((r) => r.id),
      channels: statement<[string], { channel_id: string }>(db, 'SELECT channel_id FROM channel_leases WHERE worker_id = ? ORDER BY channel_id')
        .all(w.id)
        .map((r) => r.channel_id),
    }));
}
