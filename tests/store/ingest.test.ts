import { describe, expect, it } from 'vitest';
import { article, feed } from '../helpers/articles.ts';
import { ingest, memoryStore } from '../helpers/store.ts';

const NOW = Date.UTC(2024, 4, 21);
const newestFirst = (ns: number[]) => ns.map((n) => article(n));

describe('ingest', () => {
  it('first poll posts only the newest `backfill` items and marks the rest seen', async () => {
    const db = memoryStore();
    const report = await ingest(db, feed({ backfill: 2 }), newestFirst([5, 4, 3, 2, 1]), ['x', 'tg'], { etag: '"v1"' }, NOW);
    expect(report).toMatchObject({ firstPoll: true, fresh: 5, queued: 2, beyondBackfill: 3 });
    const titles = (await db.deliveries()).map((d) => `${d.channelId}:${d.article.id}`).sort();
    expect(titles).toEqual(['tg:https://astanatimes.com/?p=1004', 'tg:https://astanatimes.com/?p=1005', 'x:https://astanatimes.com/?p=1004', 'x:https://astanatimes.com/?p=1005']);
    expect((await db.feedState('astanatimes')).cache).toEqual({ etag: '"v1"', lastModified: undefined });
  });

  it('a second poll of the same items creates nothing; a new item gets one delivery per channel', async () => {
    const db = memoryStore();
    await ingest(db, feed({ backfill: 0 }), newestFirst([3, 2, 1]), ['x', 'tg'], {}, NOW);
    expect((await db.deliveries())).toHaveLength(0);
    expect((await ingest(db, feed(), newestFirst([3, 2, 1]), ["x", "tg"], {}, NOW)).fresh).toBe(0);
    const report = await ingest(db, feed(), newestFirst([4, 3, 2, 1]), ['x', 'tg'], {}, NOW);
    expect(report).toMatchObject({ fresh: 1, queued: 1, held: 0 });
    expect((await db.deliveries()).map((d) => d.channelId).sort()).toEqual(['tg', 'x']);
  });

  it('a changed GUID with the same link, or an edited title, is not new', async () => {
    const db = memoryStore();
    await ingest(db, feed(), newestFirst([2, 1]), ['x'], {}, NOW);
    const migrated = [article(2, { id: 'urn:new-guid:2', link: 'https://AstanaTimes.com/2024/05/story-2/?utm_source=rss' }), article(1, { title: 'Edited headline' })];
    migrated[0]!.linkKey = 'https://astanatimes.com/2024/05/story-2';
    expect(await ingest(db, feed(), migrated, ['x'], {}, NOW)).toMatchObject({ fresh: 0, queued: 0 });
    expect((await db.deliveries())).toHaveLength(0);
  });

  it('holds every new item when a poll finds more than floodThreshold', async () => {
    const db = memoryStore();
    await ingest(db, feed(), newestFirst([1]), ['x'], {}, NOW);
    const many = newestFirst(Array.from({ length: 12 }, (_, i) => 40 - i));
    const report = await ingest(db, feed({ floodThreshold: 10 }), [...many, article(1)], ['x'], {}, NOW);
    expect(report).toMatchObject({ fresh: 12, held: 12, queued: 0 });
    expect((await db.deliveries()).every((d) => d.state === 'held')).toBe(true);
  });

  it('holds a migration that changes every link of a small feed (more than half of it new)', async () => {
    const db = memoryStore();
    await ingest(db, feed(), newestFirst([4, 3, 2, 1]), ['x'], {}, NOW);
    const moved = [4, 3, 2, 1].map((n) => article(n, { id: `new-${n}`, link: `https://new.example/${n}`, linkKey: `https://new.example/${n}` }));
    expect(await ingest(db, feed(), moved, ['x'], {}, NOW)).toMatchObject({ fresh: 4, held: 4 });
  });

  it('never posts items older than maxAgeHours', async () => {
    const db = memoryStore();
    await ingest(db, feed(), [article(1)], ['x'], {}, NOW);
    const stale = article(2, { publishedAt: new Date(NOW - 49 * 3_600_000).toISOString() });
    const fresh = article(3, { publishedAt: new Date(NOW - 3_600_000).toISOString() });
    expect(await ingest(db, feed({ maxAgeHours: 48 }), [fresh, stale, article(1)], ['x'], {}, NOW)).toMatchObject({ queued: 1, tooOld: 1 });
    expect((await db.deliveries()).map((d) => d.article.id)).toEqual([fresh.id]);
  });

  it('does not post the same story twice to a channel that takes two feeds listing it', async () => {
    const db = memoryStore();
    await ingest(db, feed({ id: 'news', backfill: 1 }), [article(1)], ['x'], {}, NOW);
    await ingest(db, feed({ id: 'politics', backfill: 1 }), [article(1, { id: 'other-guid' })], ['x', 'tg'], {}, NOW);
    expect((await db.deliveries()).map((d) => `${d.feedId}:${d.channelId}`).sort()).toEqual(['news:x', 'politics:tg']);
  });

  it('dedupes an item listed twice in one feed', async () => {
    const db = memoryStore();
    const report = await ingest(db, feed({ backfill: 5 }), [article(1), article(1)], ['x'], {}, NOW);
    expect(report.fresh).toBe(1);
    expect((await db.deliveries())).toHaveLength(1);
  });
});
