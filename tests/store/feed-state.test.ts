import { describe, expect, it } from 'vitest';
import { feed } from '../helpers/articles.ts';
import { ingest, memoryStore } from '../helpers/store.ts';

const NOW = Date.UTC(2024, 4, 21);

describe('feed state', () => {
  it('unchanged polls ending together are all recorded once awaited, clearing failures and keeping validators', async () => {
    const db = memoryStore();
    for (const id of ['a', 'b', 'c']) await ingest(db, feed({ id }), [], [], { etag: `"${id}-v1"`, lastModified: 'Tue, 21 May 2024 00:00:00 GMT' }, NOW);
    await db.recordFailure('b', 'HTTP 503 from https://astanatimes.com/feed/', NOW + 1, NOW + 60_000);

    await Promise.all([db.recordUnchanged('a', NOW + 10), db.recordUnchanged('b', NOW + 11), db.recordUnchanged('c', NOW + 12)]);

    for (const [id, at] of [['a', NOW + 10], ['b', NOW + 11], ['c', NOW + 12]] as const) {
      expect((await db.feedState(id))).toEqual({
        id,
        cache: { etag: `"${id}-v1"`, lastModified: 'Tue, 21 May 2024 00:00:00 GMT' },
        firstPolledAt: NOW,
        lastPollAt: at,
        lastOkAt: at,
        lastError: undefined,
        failures: 0,
        nextPollAt: undefined,
      });
    }
  });

  it('a later batch of unchanged polls is written on its own', async () => {
    const db = memoryStore();
    await db.recordUnchanged('a', NOW);
    await db.recordUnchanged('a', NOW + 5);
    expect((await db.feedState('a'))).toMatchObject({ firstPolledAt: NOW, lastPollAt: NOW + 5 });
  });

  it('unchanged polls ending together share one transaction: one failing write rejects them all', async () => {
    const db = memoryStore();
    db.db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON feeds WHEN NEW.id = 'b' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    const polls = [db.recordUnchanged('a', NOW), db.recordUnchanged('b', NOW)];
    for (const poll of polls) await expect(poll).rejects.toThrow('disk says no');
    expect((await db.feedState('a')).lastPollAt).toBeUndefined();
    await db.recordUnchanged('a', NOW + 1);
    expect((await db.feedState('a')).lastPollAt).toBe(NOW + 1);
  });
});
