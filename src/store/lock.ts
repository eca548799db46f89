import os from 'node:os';
import { UserError } from '../errors.ts';
import { statement, type Db } from './db.ts';

/** A lock not refreshed for this long belongs to a process that is gone. */
const STALE_AFTER_MS = 60_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One worker per store: `once` and `run` take the lock; a second one refuses to start
 * rather than mistake the first one's sends for interrupted ones.
 */
export function acquireWorkerLock(db: Db, now: number): { refresh(now: number): void; release(): void } {
  const host = os.hostname();
  db.transaction(() => {
    const holder = statement<[], { pid: number; host: string; heartbeat_at: number }>(db, 'SELECT pid, host, heartbeat_at FROM worker_lock WHERE id = 1').get();
    if (holder && holder.pid !== process.pid) {
      const alive = holder.host === host ? isAlive(holder.pid) : now - holder.heartbeat_at < STALE_AFTER_MS;
      if (alive) {
        throw new UserError(
          `another Herald worker (pid ${holder.pid} on ${holder.host}) is using this store`,
          'stop it first, or point this one at another `store`',
        );
      }
    }
    statement(db, 'INSERT OR REPLACE INTO worker_lock (id, pid, host, heartbeat_at) VALUES (1, ?, ?, ?)').run(process.pid, host, now);
  }).immediate();
  return {
    refresh(at) {
      statement(db, 'UPDATE worker_lock SET heartbeat_at = ? WHERE id = 1 AND pid = ?').run(at, process.pid);
    },
    release() {
      statement(db, 'DELETE FROM worker_lock WHERE id = 1 AND pid = ?').run(process.pid);
    },
  };
}
