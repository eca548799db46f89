import { statement, type Db } from './db.ts';

export interface ChannelState {
  id: string;
  pausedReason?: string;
  pausedAt?: number;
  /** The platform asked for no requests before this time (a channel-wide rate limit). */
  blockedUntil?: number;
}

export function getChannelState(db: Db, id: string): ChannelState {
  const row = statement<[string], { paused_reason: string | null; paused_at: number | null; blocked_until: number | null }>(
    db,
    'SELECT paused_reason, paused_at, blocked_until FROM channels WHERE id = ?',
  ).get(id);
  return {
    id,
    pausedReason: row?.paused_reason ?? undefined,
    pausedAt: row?.paused_at ?? undefined,
    blockedUntil: row?.blocked_until ?? undefined,
  };
}

/** Returns true when this call paused it (so the reason is reported once). */
export function pauseChannel(db: Db, id: string, reason: string, now: number): boolean {
  const changed = statement(
    db,
    `INSERT INTO channels (id, paused_reason, paused_at) VALUES (?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET paused_reason = excluded.paused_reason, paused_at = excluded.paused_at
     WHERE channels.paused_reason IS NULL`,
  ).run(id, reason, now).changes;
  return changed > 0;
}

export function resumeChannel(db: Db, id: string): boolean {
  return statement(db, 'UPDATE channels SET paused_reason = NULL, paused_at = NULL WHERE id = ? AND paused_reason IS NOT NULL').run(id).changes > 0;
}

export function blockChannel(db: Db, id: string, until: number): void {
  statement(
    db,
    `INSERT INTO channels (id, blocked_until) VALUES (?, ?)
     ON CONFLICT (id) DO UPDATE SET blocked_until = MAX(COALESCE(blocked_until, 0), excluded.blocked_until)`,
  ).run(id, until);
}
