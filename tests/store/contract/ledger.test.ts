import { describe, expect, it } from 'vitest';
import { article } from '../../helpers/articles.ts';
import { BACKENDS } from './backends.ts';
import { articles, NOW, plan } from './fixtures.ts';

describe.each(BACKENDS)('feed ledger on $name', (backend) => {
  it('records new articles with one delivery per channel, the rest as seen, and the feed state', async () => {
    const store = await backend.open();
    await store.record({ ...plan(articles(5, 4), ['x', 'tg'], { seen: articles(3, 2, 1), etag: '"v1"' }), nextPollAt: NOW + 300_000 });
    expect((await store.deliveries()).map((d) => `${d.channelId}:${d.article.id}`).sort()).toEqual([
      'tg:https://astanatimes.com/?p=1004',
      'tg:https://astanatimes.com/?p=1005',
      'x:https://astanatimes.com/?p=1004',
      'x:https://astanatimes.com/?p=1005',
    ]);
    expect(await store.feedState('astanatimes')).toEqual({
      id: 'astanatimes',
      cache: { etag: '"v1"', lastModified: undefined },
      firstPolledAt: NOW,
      lastPollAt: NOW,
      lastOkAt: NOW,
      lastError: undefined,
      failures: 0,
      nextPollAt: NOW + 300_000,
    });
    const known = await store.knownArticles('astanatimes', articles(5, 3, 9));
    expect(known.map((k) => k.id).sort()).toEqual([article(3).id, article(5).id]);
  });

  it('knows an article by its id or by its normalized link, within its own feed only', async () => {
    const store = await backend.open();
    await store.record(plan(articles(2), ['x']));
    expect(await store.knownArticles('astanatimes', [{ id: 'urn:new-guid', linkKey: article(2).linkKey }])).toMatchObject([{ id: article(2).id, linkKey: article(2).linkKey }]);
    expect(await store.knownArticles('astanatimes', [{ id: article(2).id, linkKey: 'https://elsewhere.example/2' }])).toHaveLength(1);
    expect(await store.knownArticles('other-feed', [{ id: article(2).id, linkKey: article(2).linkKey }])).toEqual([]);
    expect(await store.knownArticles('astanatimes', [])).toEqual([]);
  });

  it('keeps the content hash an article was recorded with', async () => {
    const store = await backend.open();
    const p = plan(articles(1), ['x']);
    p.deliver[0]!.contentHash = 'h1';
    await store.record(p);
    expect(await store.knownArticles('astanatimes', articles(1))).toEqual([{ pk: expect.any(Number), id: article(1).id, linkKey: article(1).linkKey, contentHash: 'h1' }]);
  });

  it('the same story from two feeds is posted once per channel', async () => {
    const store = await backend.open();
    await store.record(plan(articles(1), ['x'], { feedId: 'news' }));
    await store.record(plan([article(1, { id: 'other-guid' })], ['x', 'tg'], { feedId: 'politics' }));
    expect((await store.deliveries()).map((d) => `${d.feedId}:${d.channelId}`).sort()).toEqual(['news:x', 'politics:tg']);
  });

  it('two feeds recording one story at the same moment still give it one delivery per channel', async () => {
    const store = await backend.open();
    await Promise.all(['a', 'b', 'c', 'd'].map((feedId) => store.record(plan([article(7, { id: `${feedId}-guid` })], ['x', 'tg'], { feedId }))));
    expect((await store.deliveries()).map((d) => d.channelId).sort()).toEqual(['tg', 'x']);
  });

  it('an item listed twice in one plan gets one delivery', async () => {
    const store = await backend.open();
    await store.record(plan(articles(1, 1), ['x']));
    expect(await store.deliveries()).toHaveLength(1);
  });

  it('a queued delivery keeps its state, priority and queue order (publication time, else when seen)', async () => {
    const store = await backend.open();
    const p = plan([article(1), article(2, { publishedAt: undefined })], ['x'], { state: 'held' });
    p.deliver[0]!.deliveries[0]!.priority = 10;
    await store.record(p);
    const [undated, dated] = await store.deliveries();
    expect(dated).toMatchObject({ state: 'held', priority: 10, orderAt: Date.parse(article(1).publishedAt!), dueAt: NOW, createdAt: NOW, kind: 'post', attempts: 0 });
    expect(undated).toMatchObject({ state: 'held', priority: 0, orderAt: NOW, resend: false, dryRun: false });
  });

  it('a 304 is a success that keeps the validators; failures count in a row and reset on success', async () => {
    const store = await backend.open();
    await store.record(plan([], [], { etag: '"v1"' }));
    expect(await store.recordFailure('astanatimes', 'HTTP 503', NOW + 1, NOW + 60_000)).toBe(1);
    expect(await store.recordFailure('astanatimes', 'HTTP 503', NOW + 2, NOW + 120_000)).toBe(2);
    expect(await store.feedState('astanatimes')).toMatchObject({ failures: 2, lastError: 'HTTP 503', lastPollAt: NOW + 2, lastOkAt: NOW, nextPollAt: NOW + 120_000 });
    await store.recordUnchanged('astanatimes', NOW + 10, NOW + 300_000);
    expect(await store.feedState('astanatimes')).toEqual({
      id: 'astanatimes',
      cache: { etag: '"v1"', lastModified: undefined },
      firstPolledAt: NOW,
      lastPollAt: NOW + 10,
      lastOkAt: NOW + 10,
      lastError: undefined,
      failures: 0,
      nextPollAt: NOW + 300_000,
    });
    expect(await store.recordFailure('new-feed', 'DNS', NOW, NOW + 1)).toBe(1);
    expect((await store.feedStates()).map((f) => f.id)).toEqual(['astanatimes', 'new-feed']);
  });

  it('an unknown feed has an empty state', async () => {
    const store = await backend.open();
    expect(await store.feedState('never')).toEqual({ id: 'never', cache: {}, failures: 0 });
  });
});
