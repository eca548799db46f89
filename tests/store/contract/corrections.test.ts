import { describe, expect, it } from 'vitest';
import type { Article } from '../../../src/article.ts';
import type { PlannedEdit } from '../../../src/feeds/corrections.ts';
import { contentHash } from '../../../src/feeds/versions.ts';
import { LEASE_MS } from '../../../src/scheduler/leases.ts';
import type { Store } from '../../../src/store/store.ts';
import { BACKENDS, type Backend } from './backends.ts';
import { articles, NOW, plan, post, worker } from './fixtures.ts';

const [story] = articles(1) as [Article];
const version = (title: string): Article => ({ ...story, title });

/** One poll that finds `story` corrected to `corrected`, with these planned edits. */
async function correct(store: Store, corrected: Article, edits: PlannedEdit[], now = NOW + 1000): Promise<void> {
  const [known] = await store.knownArticles(story.feedId, [story]);
  await store.record({ ...plan([], [], { now }), corrections: [{ pk: known!.pk, article: corrected, contentHash: contentHash(corrected), edits }] });
}

/** The story posted on every channel, then each post brought to `states` (claimed once unless `pending`). */
async function posted(backend: Backend, states: Record<string, 'sent' | 'unclaimed' | 'retrying' | 'in_doubt' | 'failed'>) {
  const store = await backend.open();
  await store.record({ ...plan([story], Object.keys(states)), deliver: [{ article: story, contentHash: contentHash(story), deliveries: Object.keys(states).map((channelId) => ({ channelId, state: 'pending', priority: 2 })) }] });
  const w = await worker(store, 'w1', Object.keys(states));
  const posts: Record<string, number> = {};
  for (const [channelId, state] of Object.entries(states)) {
    const [d] = await store.deliveries({ channelId });
    posts[channelId] = d!.id;
    if (state === 'unclaimed') continue;
    const n = (await store.claim(d!.id, post(`original on ${channelId}`), { workerId: w, now: NOW }))!;
    if (state === 'sent') await store.settle(d!.id, n, { state: 'sent', outcome: 'sent', remoteId: `remote-${channelId}` }, NOW + 1);
    if (state === 'retrying') await store.settle(d!.id, n, { state: 'pending', outcome: 'retry', detail: 'HTTP 503', dueAt: NOW + 10_000, countFailure: true, resend: false }, NOW + 1);
    if (state === 'failed' || state === 'in_doubt') await store.settle(d!.id, n, { state, outcome: state === 'failed' ? 'permanent' : 'in-doubt', detail: 'no answer' }, NOW + 1);
  }
  return { store, w, posts };
}

/** The edits, by the post they correct, oldest first. */
async function edits(store: Store) {
  return (await store.deliveries({ limit: 100 })).filter((d) => d.kind === 'edit').sort((a, b) => a.targetId! - b.targetId! || a.id - b.id);
}

describe.each(BACKENDS)('corrections on $name', (backend) => {
  it('a correction updates the article and its version, and plans an edit only of posts that may be published', async () => {
    const { store, posts } = await posted(backend, { tg: 'sent', mastodon: 'unclaimed', x: 'sent', facebook: 'failed', discord: 'in_doubt' });
    const corrected = version('Kazakhstan Exports Rise 21%');
    await correct(store, corrected, [
      { channelId: 'tg', state: 'pending' },
      { channelId: 'mastodon', state: 'pending' },
      { channelId: 'x', state: 'skipped', reason: 'correction not applied: x cannot edit posts' },
      { channelId: 'facebook', state: 'pending' },
      { channelId: 'discord', state: 'review' },
    ]);
    expect(await store.knownArticles(story.feedId, [story])).toMatchObject([{ contentHash: contentHash(corrected) }]);
    expect((await store.delivery(posts.mastodon!))!.article.title).toBe(corrected.title);
    expect(await edits(store)).toMatchObject([
      { kind: 'edit', targetId: posts.tg, channelId: 'tg', state: 'pending', priority: 2, attempts: 0, article: { title: corrected.title } },
      { kind: 'edit', targetId: posts.x, channelId: 'x', state: 'skipped', attempts: 0, settledAt: NOW + 1000, lastError: 'correction not applied: x cannot edit posts', lastCode: 'cannot_edit' },
      { kind: 'edit', targetId: posts.discord, channelId: 'discord', state: 'review', attempts: 0 },
    ]);
  });

  it('a correction while an edit waits adds none (it renders the latest version); once the edit is under way, the next gets its own', async () => {
    const { store, w, posts } = await posted(backend, { tg: 'sent' });
    await correct(store, version('Rise 21%'), [{ channelId: 'tg', state: 'pending' }]);
    await correct(store, version('Rise 22%'), [{ channelId: 'tg', state: 'pending' }], NOW + 2000);
    const [waiting] = await edits(store);
    expect(await edits(store)).toHaveLength(1);
    expect(waiting!.article.title).toBe('Rise 22%');
    expect(await store.claim(waiting!.id, post('Rise 22%'), { workerId: w, now: NOW + 3000 })).toBe(1);
    await correct(store, version('Rise 23%'), [{ channelId: 'tg', state: 'pending' }], NOW + 4000);
    expect(await edits(store)).toMatchObject([
      { targetId: posts.tg, state: 'sending' },
      { targetId: posts.tg, state: 'pending', article: { title: 'Rise 23%' } },
    ]);
  });

  it('an edit waits for its post while the post is still being sent, without holding up the post', async () => {
    const { store, w, posts } = await posted(backend, { tg: 'retrying' });
    await correct(store, version('Rise 21%'), [{ channelId: 'tg', state: 'pending' }]);
    const [edit] = await edits(store);
    expect(edit).toMatchObject({ targetId: posts.tg, state: 'pending' });
    expect(await store.channelQueue('tg', NOW + 10_000, 0)).toMatchObject({ next: { id: posts.tg, kind: 'post' }, editDueAt: undefined, pending: 2 });
    const n = (await store.claim(posts.tg!, post('original on tg'), { workerId: w, now: NOW + 10_000 }))!;
    expect(await store.channelQueue('tg', NOW + 10_000, 0)).toMatchObject({ next: undefined, editDueAt: undefined });
    await store.settle(posts.tg!, n, { state: 'sent', outcome: 'sent', remoteId: 'remote-tg' }, NOW + 10_001);
    expect(await store.channelQueue('tg', NOW + 10_002, 0)).toMatchObject({ next: { id: edit!.id, kind: 'edit', targetId: posts.tg }, editDueAt: NOW + 1000 });
  });

  it('an edit renders anew at each claim (the latest version), and its attempts are not posts for quotas', async () => {
    const { store, w } = await posted(backend, { tg: 'sent' });
    await correct(store, version('Rise 21%'), [{ channelId: 'tg', state: 'pending' }]);
    const [edit] = await edits(store);
    const n = (await store.claim(edit!.id, post('Rise 21%'), { workerId: w, now: NOW + 2000 }))!;
    await store.settle(edit!.id, n, { state: 'pending', outcome: 'retry', detail: 'HTTP 502', dueAt: NOW + 3000, countFailure: true, resend: false }, NOW + 2001);
    expect(await store.channelQueue('tg', NOW + 2500, 0)).toMatchObject({ next: undefined, editDueAt: NOW + 3000, recentPosts: [NOW], lastAttemptAt: NOW + 2000 });
    expect(await store.claim(edit!.id, post('Rise 22%'), { workerId: w, now: NOW + 3000 })).toBe(2);
    expect((await store.channelQueue('tg', NOW + 3000, 0)).recentPosts).toEqual([NOW]);
    expect(await store.settle(edit!.id, 2, { state: 'sent', outcome: 'edited', remoteId: 'remote-tg' }, NOW + 3001)).toBe(true);
    expect(await store.delivery(edit!.id)).toMatchObject({ state: 'sent', rendered: post('Rise 22%'), remoteId: 'remote-tg', failures: 1 });
    expect((await store.attempts([edit!.id])).get(edit!.id)).toMatchObject([{ n: 1, outcome: 'retry' }, { n: 2, outcome: 'edited' }]);
    expect((await store.channelQueue('tg', NOW + 4000, 0)).recentPosts).toEqual([NOW]);
  });

  it('an edit that cannot apply is dropped once, without an attempt; a post never is', async () => {
    const { store, posts } = await posted(backend, { tg: 'sent' });
    await correct(store, version('Rise 21%'), [{ channelId: 'tg', state: 'pending' }]);
    const [edit] = await edits(store);
    expect(await store.dropEdit(posts.tg!, 'not an edit', 'x', NOW)).toBe(false);
    expect(await store.dropEdit(edit!.id, 'correction not applied: the post was never published', 'not_published', NOW + 2000)).toBe(true);
    expect(await store.dropEdit(edit!.id, 'again', 'again', NOW + 3000)).toBe(false);
    expect(await store.delivery(edit!.id)).toMatchObject({ state: 'skipped', attempts: 0, settledAt: NOW + 2000, lastCode: 'not_published' });
    expect(await store.delivery(posts.tg!)).toMatchObject({ state: 'sent' });
  });

  it("a dead worker's edit is resent, also on a channel whose interrupted posts are left in doubt", async () => {
    const { store, w } = await posted(backend, { tg: 'sent' });
    await correct(store, version('Rise 21%'), [{ channelId: 'tg', state: 'pending' }]);
    const [edit] = await edits(store);
    await store.claim(edit!.id, post('Rise 21%'), { workerId: w, now: NOW + 2000 });
    const later = NOW + 3 * LEASE_MS;
    expect(await store.recoverAbandoned(() => false, later)).toEqual({ resent: 1, inDoubt: 0 });
    expect(await store.delivery(edit!.id)).toMatchObject({ state: 'pending', resend: true, attempts: 1, dueAt: later });
    expect((await store.attempts([edit!.id])).get(edit!.id)).toMatchObject([{ n: 1, outcome: 'interrupted' }]);
  });
});
