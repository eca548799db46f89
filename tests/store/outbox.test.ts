import os from 'node:os';
import { describe, expect, it } from 'vitest';
import type { RenderedPost } from '../../src/platform.ts';
import { openDb } from '../../src/store/db.ts';
import { ingest } from '../../src/store/ingest.ts';
import { attemptsOf, getDelivery, listDeliveries, nextDue } from '../../src/store/deliveries.ts';
import { claim, recordDryRun, recoverInterrupted, recentPostStarts, settle } from '../../src/store/outbox.ts';
import { releaseFeed, retryAllFailed, retryDelivery, skipAllHeld, skipDelivery } from '../../src/store/operator.ts';
import { acquireWorkerLock } from '../../src/store/lock.ts';
import { article, feed } from '../helpers/articles.ts';

const NOW = Date.UTC(2024, 4, 21);
const post = (text: string): RenderedPost => ({
  layout: 'text',
  text,
  lengths: [{ unit: 'chars', length: text.length, limit: 280 }],
  shortened: false,
  link: 'https://astanatimes.com/x',
  title: text,
  summary: '',
  hashtags: [],
});

function queued(channels = ['x']) {
  const db = openDb(':memory:');
  ingest(db, feed({ backfill: 3 }), [article(3), article(2), article(1)], channels, {}, NOW);
  return db;
}

describe('outbox', () => {
  it('hands out deliveries oldest article first', () => {
    const db = queued();
    const order: string[] = [];
    for (let d = nextDue(db, 'x', NOW); d; d = nextDue(db, 'x', NOW)) {
      order.push(d.article.id);
      const n = claim(db, d.id, post('t'), false, NOW)!;
      settle(db, d.id, n, { state: 'sent', outcome: 'sent', remoteId: 'r' }, NOW);
    }
    expect(order).toEqual([article(1).id, article(2).id, article(3).id]);
  });

  it('fixes the rendered post at the first claim so a retry sends the same bytes', () => {
    const db = queued();
    const d = nextDue(db, 'x', NOW)!;
    const n = claim(db, d.id, post('first render'), false, NOW)!;
    settle(db, d.id, n, { state: 'pending', outcome: 'retry', detail: 'HTTP 503', dueAt: NOW, countFailure: true, resend: false }, NOW);
    expect(claim(db, d.id, post('second render'), false, NOW + 1)).toBe(2);
    expect(getDelivery(db, d.id)!.rendered!.text).toBe('first render');
    expect(getDelivery(db, d.id)!.failures).toBe(1);
  });

  it('a delivery can be claimed only once', () => {
    const db = queued();
    const d = nextDue(db, 'x', NOW)!;
    expect(claim(db, d.id, post('a'), false, NOW)).toBe(1);
    expect(claim(db, d.id, post('a'), false, NOW)).toBeUndefined();
  });

  it('after a crash, resends what is safe to resend and holds the rest in doubt', () => {
    const db = queued(['mastodon', 'telegram']);
    for (const channel of ['mastodon', 'telegram']) {
      const d = nextDue(db, channel, NOW)!;
      claim(db, d.id, post('p'), false, NOW);
    }
    expect(recoverInterrupted(db, (c) => c === 'mastodon', NOW + 5)).toEqual({ resent: 1, inDoubt: 1 });
    const [m] = listDeliveries(db, { channelId: 'mastodon', states: ['pending'] }).filter((d) => d.attempts === 1);
    expect(m).toMatchObject({ resend: true });
    const [t] = listDeliveries(db, { channelId: 'telegram', states: ['in_doubt'] });
    expect(t!.lastError).toMatch(/herald retry/);
    expect(attemptsOf(db, t!.id)).toMatchObject([{ n: 1, outcome: 'interrupted' }]);
  });

  it('operator decisions move only the states they name', () => {
    const db = queued();
    const [a, b, c] = listDeliveries(db).reverse();
    settle(db, a!.id, claim(db, a!.id, post('a'), false, NOW)!, { state: 'failed', outcome: 'permanent', detail: '400' }, NOW);
    expect(retryDelivery(db, b!.id, NOW)).toMatchObject({ ok: false });
    expect(retryDelivery(db, a!.id, NOW)).toMatchObject({ ok: true });
    expect(getDelivery(db, a!.id)).toMatchObject({ state: 'pending', failures: 0 });
    expect(skipDelivery(db, c!.id, NOW)).toMatchObject({ ok: true });
    expect(getDelivery(db, c!.id)!.state).toBe('skipped');
    expect(skipDelivery(db, c!.id, NOW)).toMatchObject({ ok: false });
    expect(retryDelivery(db, 999, NOW).message).toMatch(/no delivery 999/);
    expect(retryAllFailed(db, NOW).message).toBe('0 failed deliveries queued again');
  });

  it('release and skip --held act on flood-held deliveries', () => {
    const db = openDb(':memory:');
    ingest(db, feed(), [article(1)], ['x'], {}, NOW);
    ingest(db, feed({ floodThreshold: 2 }), [article(5), article(4), article(3), article(1)], ['x'], {}, NOW);
    expect(listDeliveries(db, { states: ['held'] })).toHaveLength(3);
    expect(releaseFeed(db, 'other', NOW)).toMatchObject({ ok: false });
    expect(releaseFeed(db, 'astanatimes', NOW).message).toMatch(/^3 held deliveries of feed astanatimes released/);
    expect(listDeliveries(db, { states: ['pending'] })).toHaveLength(3);
    ingest(db, feed({ floodThreshold: 2 }), [article(9), article(8), article(7), article(5)], ['x'], {}, NOW);
    expect(skipAllHeld(db, NOW).message).toBe('3 held deliveries skipped');
  });

  it('a dry run is claimed and settled at once: sent, marked dry-run, never counted as a post', () => {
    const db = queued();
    const d = nextDue(db, 'x', NOW)!;
    expect(recordDryRun(db, d.id, post('dry'), NOW)).toBe(1);
    expect(getDelivery(db, d.id)).toMatchObject({ state: 'sent', dryRun: true, attempts: 1, settledAt: NOW, rendered: post('dry') });
    expect(attemptsOf(db, d.id)).toEqual([{ deliveryId: d.id, n: 1, startedAt: NOW, finishedAt: NOW, outcome: 'dry-run', detail: undefined }]);
    expect(recentPostStarts(db, 'x', 0)).toEqual([]);
    expect(recordDryRun(db, d.id, post('dry'), NOW)).toBeUndefined();
    expect(attemptsOf(db, d.id)).toHaveLength(1);
  });

  it('each store answers from its own prepared statements', () => {
    const a = queued(['x']);
    const b = openDb(':memory:');
    ingest(b, feed({ backfill: 1 }), [article(7)], ['x'], {}, NOW);
    expect(nextDue(a, 'x', NOW)!.article.id).toBe(article(1).id);
    expect(nextDue(b, 'x', NOW)!.article.id).toBe(article(7).id);
    a.close();
    expect(nextDue(b, 'x', NOW)!.article.id).toBe(article(7).id);
  });

  it('one worker per store: a second live holder is refused', () => {
    const db = openDb(':memory:');
    db.prepare('INSERT INTO worker_lock (id, pid, host, heartbeat_at) VALUES (1, ?, ?, ?)').run(process.ppid, os.hostname(), NOW);
    expect(() => acquireWorkerLock(db, NOW)).toThrow(/another Herald worker/);
    db.prepare('UPDATE worker_lock SET pid = 2147483646').run();
    expect(() => acquireWorkerLock(db, NOW)).not.toThrow();
  });
});
