import { statement, type Db } from './db.ts';
import { getDelivery, type DeliveryState } from './deliveries.ts';

export interface ActionResult {
  ok: boolean;
  message: string;
}

/** `herald retry ID`: a failed delivery is queued again; an in-doubt one is sent again. */
export function retryDelivery(db: Db, id: number, now: number): ActionResult {
  const d = getDelivery(db, id);
  if (!d) return { ok: false, message: `no delivery ${id} (see \`herald history\`)` };
  if (d.state !== 'failed' && d.state !== 'in_doubt') {
    return { ok: false, message: `delivery ${id} is ${d.state}: only failed or in-doubt deliveries can be retried` };
  }
  statement(db, `UPDATE deliveries SET state = 'pending', due_at = ?, failures = 0, resend = MAX(resend, ?), settled_at = NULL WHERE id = ?`).run(
    now,
    d.state === 'in_doubt' ? 1 : 0,
    id,
  );
  return { ok: true, message: `delivery ${id} (${d.channelId}: "${d.article.title}") queued again` };
}

export function retryAllFailed(db: Db, now: number): ActionResult {
  const n = statement(db, `UPDATE deliveries SET state = 'pending', due_at = ?, failures = 0, settled_at = NULL WHERE state = 'failed'`).run(now).changes;
  return { ok: true, message: `${n} failed deliver${n === 1 ? 'y' : 'ies'} queued again` };
}

const SKIPPABLE: DeliveryState[] = ['pending', 'held', 'failed', 'in_doubt'];

/** `herald skip ID`: the operator decides this post is not to be sent (or is already there). */
export function skipDelivery(db: Db, id: number, now: number): ActionResult {
  const d = getDelivery(db, id);
  if (!d) return { ok: false, message: `no delivery ${id} (see \`herald history\`)` };
  if (!SKIPPABLE.includes(d.state)) return { ok: false, message: `delivery ${id} is ${d.state}: it cannot be skipped` };
  statement(db, `UPDATE deliveries SET state = 'skipped', settled_at = ? WHERE id = ?`).run(now, id);
  return { ok: true, message: `delivery ${id} (${d.channelId}: "${d.article.title}") skipped: it will not be sent` };
}

export function skipAllHeld(db: Db, now: number): ActionResult {
  const n = statement(db, `UPDATE deliveries SET state = 'skipped', settled_at = ? WHERE state = 'held'`).run(now).changes;
  return { ok: true, message: `${n} held deliver${n === 1 ? 'y' : 'ies'} skipped` };
}

/** `herald release FEED`: the held items of a flood are posted after all. */
export function releaseFeed(db: Db, feedId: string, now: number): ActionResult {
  const n = statement(
    db,
    `UPDATE deliveries SET state = 'pending', due_at = ? WHERE state = 'held'
     AND article_pk IN (SELECT pk FROM articles WHERE feed_id = ?)`,
  ).run(now, feedId).changes;
  return {
    ok: n > 0,
    message: n > 0 ? `${n} held deliver${n === 1 ? 'y' : 'ies'} of feed ${feedId} released: they go out with the next run` : `feed ${feedId} has nothing held`,
  };
}
