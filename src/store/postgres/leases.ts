import { LEASE_MS, type WorkerIdentity, type WorkerInfo } from '../../scheduler/leases.ts';
import type { PgDb } from './db.ts';

/** Any fixed number: claimChannels takes it so two workers never split the channels at the same moment. */
const CHANNEL_SPLIT_LOCK = 4_733_622;

/** `$n` is now: a worker heard from within the last LEASE_MS is alive. */
const liveWorker = (worker: string, n: number) => `EXISTS (SELECT 1 FROM workers w WHERE w.id = ${worker} AND w.heartbeat_at > $${n}::bigint - ${LEASE_MS})`;

export async function register(db: PgDb, worker: WorkerIdentity, now: number): Promise<void> {
  await db.query(
    `INSERT INTO workers (id, host, pid, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $4)
     ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, heartbeat_at = excluded.heartbeat_at`,
    [worker.id, worker.host, worker.pid, now],
  );
}

export function heartbeat(db: PgDb, workerId: string, now: number): Promise<void> {
  return db.tx(async (c) => {
    const until = now + LEASE_MS;
    await c.query('UPDATE workers SET heartbeat_at = $2 WHERE id = $1', [workerId, now]);
    await c.query('UPDATE channel_leases SET lease_until = $2 WHERE worker_id = $1', [workerId, until]);
    await c.query('UPDATE feeds SET poll_lease_until = $2 WHERE poll_worker = $1', [workerId, until]);
  });
}

export function unregister(db: PgDb, workerId: string): Promise<void> {
  return db.tx(async (c) => {
    await c.query('DELETE FROM channel_leases WHERE worker_id = $1', [workerId]);
    await c.query('UPDATE feeds SET poll_worker = NULL, poll_lease_until = NULL WHERE poll_worker = $1', [workerId]);
    await c.query('DELETE FROM workers WHERE id = $1', [workerId]);
  });
}

/**
 * Due feeds nobody live is polling, never-polled first then by next poll time; SKIP LOCKED lets
 * two workers claiming at once pass over each other's rows instead of waiting or sharing.
 */
export function claimFeeds(db: PgDb, workerId: string, feedIds: string[], now: number, opts: { dueOnly: boolean; limit: number }): Promise<string[]> {
  if (feedIds.length === 0 || opts.limit <= 0) return Promise.resolve([]);
  return db.tx(async (c) => {
    await c.query('INSERT INTO feeds (id) SELECT unnest($1::text[]) ON CONFLICT (id) DO NOTHING', [feedIds]);
    const { rows } = await c.query<{ id: string }>(
      `UPDATE feeds SET poll_worker = $2, poll_lease_until = $3::bigint + ${LEASE_MS}
       WHERE id IN (
         SELECT f.id FROM feeds f
         WHERE f.id = ANY($1) AND ($5 = false OR f.next_poll_at IS NULL OR f.next_poll_at <= $3)
           AND (f.poll_worker IS NULL OR f.poll_lease_until < $3 OR NOT ${liveWorker('f.poll_worker', 3)})
         ORDER BY f.next_poll_at NULLS FIRST, f.id LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [feedIds, workerId, now, opts.limit, opts.dueOnly],
    );
    return rows.map((r) => r.id).sort();
  });
}

export async function releaseFeed(db: PgDb, workerId: string, feedId: string): Promise<void> {
  await db.query('UPDATE feeds SET poll_worker = NULL, poll_lease_until = NULL WHERE id = $1 AND poll_worker = $2', [feedId, workerId]);
}

/** Over the feeds no live worker is polling: undefined when one was never polled (due now), Infinity when none is free. */
export async function nextPollAt(db: PgDb, feedIds: string[], now: number): Promise<number | undefined> {
  if (feedIds.length === 0) return Infinity;
  const { rows } = await db.query<{ unknown: number; unpolled: number; earliest: number | null }>(
    `SELECT
       (SELECT COUNT(*) FROM unnest($1::text[]) AS ids (id) WHERE NOT EXISTS (SELECT 1 FROM feeds f WHERE f.id = ids.id)) AS unknown,
       COUNT(*) FILTER (WHERE next_poll_at IS NULL) AS unpolled, MIN(next_poll_at) AS earliest
     FROM feeds f
     WHERE f.id = ANY($1) AND (f.poll_worker IS NULL OR f.poll_lease_until < $2 OR NOT ${liveWorker('f.poll_worker', 2)})`,
    [[...new Set(feedIds)], now],
  );
  const r = rows[0]!;
  if (r.unknown > 0 || r.unpolled > 0) return undefined;
  return r.earliest ?? Infinity;
}

/**
 * Keeps this worker's leases on `channelIds` and takes free ones (never leased, expired, or held
 * by a dead worker) up to its fair share, ceil(channels / live workers). Above its share (a
 * worker joined) it gives back channels it is not sending on, so the newcomer gets them next.
 */
export function claimChannels(db: PgDb, workerId: string, channelIds: string[], now: number): Promise<string[]> {
  return db.tx(async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [CHANNEL_SPLIT_LOCK]);
    const until = now + LEASE_MS;
    await c.query('DELETE FROM channel_leases WHERE worker_id = $1 AND NOT (channel_id = ANY($2))', [workerId, channelIds]);
    const { rows: live } = await c.query<{ n: number }>(`SELECT COUNT(*) AS n FROM workers WHERE id <> $1 AND heartbeat_at > $2::bigint - ${LEASE_MS}`, [
      workerId,
      now,
    ]);
    const share = Math.ceil(channelIds.length / (live[0]!.n + 1));
    const { rows: held } = await c.query<{ channel_id: string; sending: boolean }>(
      `UPDATE channel_leases l SET lease_until = $2 WHERE worker_id = $1
       RETURNING channel_id, EXISTS (SELECT 1 FROM deliveries d WHERE d.channel_id = l.channel_id AND d.state = 'sending' AND d.claimed_by = $1) AS sending`,
      [workerId, until],
    );
    const mine = new Set(held.map((h) => h.channel_id));
    const excess = held.length - share;
    if (excess > 0) {
      const giveBack = held
        .filter((h) => !h.sending)
        .map((h) => h.channel_id)
        .sort()
        .slice(-excess);
      await c.query('DELETE FROM channel_leases WHERE worker_id = $1 AND channel_id = ANY($2)', [workerId, giveBack]);
      for (const id of giveBack) mine.delete(id);
    } else if (excess < 0) {
      const { rows: taken } = await c.query<{ channel_id: string }>(
        `INSERT INTO channel_leases AS l (channel_id, worker_id, lease_until)
         SELECT id, $2, $4 FROM unnest($1::text[]) AS ids (id)
         WHERE NOT EXISTS (SELECT 1 FROM channel_leases h WHERE h.channel_id = ids.id AND h.lease_until >= $3 AND ${liveWorker('h.worker_id', 3)})
         ORDER BY id LIMIT $5
         ON CONFLICT (channel_id) DO UPDATE SET worker_id = excluded.worker_id, lease_until = excluded.lease_until
         RETURNING channel_id`,
        [channelIds, workerId, now, until, -excess],
      );
      for (const t of taken) mine.add(t.channel_id);
    }
    return [...mine].sort();
  });
}

export function recoverAbandoned(db: PgDb, canResend: (channelId: string) => boolean, now: number): Promise<{ resent: number; inDoubt: number }> {
  return db.tx(async (c) => {
    const { rows } = await c.query<{ id: number; kind: string; channel_id: string; attempts: number }>(
      `SELECT id, kind, channel_id, attempts FROM deliveries d
       WHERE state = 'sending' AND (claimed_by IS NULL OR NOT ${liveWorker('d.claimed_by', 1)})
       ORDER BY id FOR UPDATE SKIP LOCKED`,
      [now],
    );
    // An edit sets the post to a text: sending it again is always safe.
    const resends = (d: (typeof rows)[number]) => d.kind === 'edit' || canResend(d.channel_id);
    const resend = rows.filter(resends).map((d) => d.id);
    const doubt = rows.filter((d) => !resends(d)).map((d) => d.id);
    await c.query(
      `UPDATE attempts t SET outcome = 'interrupted', code = 'interrupted', finished_at = $2, detail = 'the worker stopped before the answer was recorded'
       FROM deliveries d WHERE d.id = ANY($1) AND t.delivery_id = d.id AND t.n = d.attempts`,
      [rows.map((r) => r.id), now],
    );
    await c.query(
      `UPDATE deliveries SET state = 'pending', resend = 1, due_at = $2, claimed_by = NULL, last_code = 'interrupted' WHERE id = ANY($1) AND state = 'sending'`,
      [resend, now],
    );
    await c.query(
      `UPDATE deliveries SET state = 'in_doubt', settled_at = $2, claimed_by = NULL, last_code = 'interrupted',
         last_error = 'interrupted mid-send: the post may or may not be on the platform' WHERE id = ANY($1) AND state = 'sending'`,
      [doubt, now],
    );
    return { resent: resend.length, inDoubt: doubt.length };
  });
}

export async function workers(db: PgDb, now: number): Promise<WorkerInfo[]> {
  const { rows } = await db.query<{ id: string; host: string; pid: number; started_at: number; heartbeat_at: number; feeds: string[]; channels: string[] }>(
    `SELECT w.*,
       ARRAY(SELECT f.id FROM feeds f WHERE f.poll_worker = w.id AND f.poll_lease_until >= $1 ORDER BY f.id) AS feeds,
       ARRAY(SELECT l.channel_id FROM channel_leases l WHERE l.worker_id = w.id AND l.lease_until >= $1 ORDER BY l.channel_id) AS channels
     FROM workers w WHERE w.heartbeat_at > $1::bigint - ${LEASE_MS} ORDER BY w.started_at, w.id`,
    [now],
  );
  return rows.map((r) => ({ id: r.id, host: r.host, pid: r.pid, startedAt: r.started_at, heartbeatAt: r.heartbeat_at, feeds: r.feeds, channels: r.channels }));
}
