import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.ts';
import { getFeedState, recordFeedFailure, recordFeedUnchanged } from '../../src/store/feed-state.ts';
import { ingest } from '../../src/store/ingest.ts';
import { feed } from '../helpers/articles.ts';

const NOW = Date.UTC(2024, 4, 21);

describe('feed state', () => {
  it('unchanged polls ending together are all recorded once awaited, clearing failures and keeping validators', async () => {
    const db = openDb(':memory:');
    for (const id of ['a', 'b', 'c']) ingest(db, feed({ id }), [], [], { etag: `"${id}-v1"`, lastModified: 'Tue, 21 May 2024 00:00:00 GMT' }, NOW);
    recordFeedFailure(db, 'b', 'HTTP 503 from https://astanatimes.com/feed/', NOW + 1, NOW + 60_000);

    await Promise.all([recordFeedUnchanged(db, 'a', NOW + 10), recordFeedUnchanged(db, 'b', NOW + 11), recordFeedUnchanged(db, 'c', NOW + 12)]);

    for (const [id, at] of [['a', NOW + 10], ['b', NOW + 11], ['c', NOW + 12]] as const) {
      expect(getFeedState(db, id)).toEqual({
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
    const db = openDb(':memory:');
    await recordFeedUnchanged(db, 'a', NOW);
    await recordFeedUnchanged(db, 'a', NOW + 5);
    expect(getFeedState(db, 'a')).toMatchObject({ firstPolledAt: NOW, lastPollAt: NOW + 5 });
  });

  it('unchanged polls ending together share one transaction: one failing write rejects them all', async () => {
    const db = openDb(':memory:');
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON feeds WHEN NEW.id = 'b' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    const polls = [recordFeedUnchanged(db, 'a', NOW), recordFeedUnchanged(db, 'b', NOW)];
    for (const poll of polls) await expect(poll).rejects.toThrow('disk says no');
    expect(getFeedState(db, 'a').lastPollAt).toBeUndefined();
    await recordFeedUnchanged(db, 'a', NOW + 1);
    expect(getFeedState(db, 'a').lastPollAt).toBe(NOW + 1);
  });
});
