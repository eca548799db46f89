import { describe, expect, it } from 'vitest';
import { adapters } from '../../adapters/index.ts';
import { editWindowClosed, findCorrections, plannedEdit } from '../../src/feeds/corrections.ts';
import type { KnownArticle } from '../../src/feeds/ledger.ts';
import { planIngest } from '../../src/feeds/policy.ts';
import { contentHash } from '../../src/feeds/versions.ts';
import { dialogueArticle } from '../helpers/adapter-test.ts';
import { feed as feedConfig } from '../helpers/articles.ts';
import { listed } from '../helpers/store.ts';

const channelOn = (platform: string, extra: { corrections?: 'edit' | 'ignore'; review?: boolean } = {}) => ({
  id: `${platform}-main`,
  platform,
  corrections: extra.corrections ?? 'edit',
  ...(extra.review !== undefined && { review: extra.review }),
});

describe('plannedEdit', () => {
  it('edits on the platforms that can, and says so on those that cannot', () => {
    const plans = Object.values(adapters).map((definition) => plannedEdit(channelOn(definition.platform), definition.edit));
    expect(plans).toEqual([
      { channelId: 'x-main', state: 'skipped', reason: 'correction not applied: x cannot edit posts' },
      { channelId: 'telegram-main', state: 'pending' },
      { channelId: 'mastodon-main', state: 'pending' },
      { channelId: 'bluesky-main', state: 'skipped', reason: 'correction not applied: bluesky cannot edit posts' },
      { channelId: 'facebook-main', state: 'pending' },
      { channelId: 'instagram-main', state: 'skipped', reason: 'correction not applied: instagram cannot edit posts' },
      { channelId: 'threads-main', state: 'skipped', reason: 'correction not applied: threads cannot edit posts' },
      { channelId: 'linkedin-main', state: 'pending' },
      { channelId: 'discord-main', state: 'pending' },
      { channelId: 'tiktok-main', state: 'skipped', reason: 'correction not applied: tiktok cannot edit posts' },
      { channelId: 'webhook-main', state: 'pending' },
      { channelId: 'console-main', state: 'skipped', reason: 'correction not applied: console cannot edit posts' },
    ]);
  });

  it('on a channel that reviews its posts, an edit waits for approval too', () => {
    expect(plannedEdit(channelOn('telegram', { review: true }), {})).toEqual({ channelId: 'telegram-main', state: 'review' });
  });

  it('corrections: ignore plans nothing, not even a note in history', () => {
    expect(plannedEdit(channelOn('telegram', { corrections: 'ignore' }), {})).toBeUndefined();
    expect(plannedEdit(channelOn('x', { corrections: 'ignore' }), undefined)).toBeUndefined();
  });
});

describe('editWindowClosed', () => {
  const sentAt = Date.parse('2026-12-01T10:00:00Z');

  it('never closes without a window', () => {
    expect(editWindowClosed('mastodon', {}, sentAt, sentAt + 365 * 86_400_000)).toBeUndefined();
  });

  it('closes once the window since the send has passed, saying how long it was', () => {
    expect(editWindowClosed('example', { windowSeconds: 3600 }, sentAt, sentAt + 3_600_000)).toBeUndefined();
    expect(editWindowClosed('example', { windowSeconds: 3600 }, sentAt, sentAt + 3_600_001)).toBe(
      'correction not applied: example posts can only be edited within 1 hour of posting',
    );
    expect(editWindowClosed('example', { windowSeconds: 48 * 3600 }, sentAt, sentAt + 49 * 3_600_000)).toMatch(/within 48 hours of/);
    expect(editWindowClosed('example', { windowSeconds: 900 }, sentAt, sentAt + 901_000)).toMatch(/within 15 minutes of/);
    expect(editWindowClosed('example', { windowSeconds: 90 }, sentAt, sentAt + 91_000)).toMatch(/within 90 seconds of/);
  });
});

describe('findCorrections', () => {
  const story = dialogueArticle({ title: 'Kazakhstan Exports Rise 18%' });
  const known = (overrides: Partial<KnownArticle> = {}): KnownArticle => ({ pk: 7, id: story.id, linkKey: story.linkKey, contentHash: contentHash(story), ...overrides });
  const channels = [
    { channel: channelOn('telegram'), canEdit: adapters.telegram!.edit },
    { channel: channelOn('x'), canEdit: adapters.x!.edit },
    { channel: channelOn('mastodon', { corrections: 'ignore' }), canEdit: adapters.mastodon!.edit },
  ];

  it('an unchanged article, or one re-dated, is no correction', () => {
    expect(findCorrections([story, { ...story, publishedAt: '2026-12-02T08:00:00Z' }], [known()], channels)).toEqual([]);
  });

  it('a changed title found by id or by link is one correction, planned per channel', () => {
    const corrected = { ...story, title: 'Kazakhstan Exports Rise 21%' };
    const expected = {
      pk: 7,
      article: corrected,
      contentHash: contentHash(corrected),
      edits: [
        { channelId: 'telegram-main', state: 'pending' },
        { channelId: 'x-main', state: 'skipped', reason: 'correction not applied: x cannot edit posts' },
      ],
    };
    expect(findCorrections([corrected], [known()], channels)).toEqual([expected]);
    const movedGuid = { ...corrected, id: 'https://astanatimes.com/?p=new-guid' };
    expect(findCorrections([movedGuid, movedGuid], [known()], channels)).toEqual([{ ...expected, article: movedGuid }]);
  });

  it('a known article without a version of this scheme gets one recorded, with no edits', () => {
    expect(findCorrections([story], [known({ contentHash: undefined })], channels)).toEqual([{ pk: 7, article: story, contentHash: contentHash(story), edits: [] }]);
  });

  it('new articles are not corrections', () => {
    expect(findCorrections([dialogueArticle({ id: 'other', linkKey: 'other' })], [known()], channels)).toEqual([]);
  });
});

describe('planIngest', () => {
  const story = dialogueArticle({ title: 'Kazakhstan Exports Rise 18%' });
  const corrected = { ...story, title: 'Kazakhstan Exports Rise 21%' };
  const editing = () => ({ channel: channelOn('telegram'), canEdit: adapters.telegram!.edit });
  const input = (articles: (typeof story)[], known: KnownArticle[]) => ({
    feed: feedConfig({ backfill: 5 }),
    articles: listed(articles),
    known,
    firstPoll: known.length === 0,
    channelIds: ['telegram-main'],
    editing,
    cache: {},
    now: Date.parse('2026-12-02T08:00:00Z'),
  });

  it("records a new article's version with it, so its first change is already a correction", () => {
    const { plan, report } = planIngest(input([story], []));
    expect(plan.deliver).toMatchObject([{ article: story, contentHash: contentHash(story) }]);
    expect(plan.corrections).toEqual([]);
    expect(report.corrected).toBe(0);
  });

  it('plans the edits of a changed known article, and none for an unchanged one', () => {
    const known = [{ pk: 7, id: story.id, linkKey: story.linkKey, contentHash: contentHash(story) }];
    const { plan, report } = planIngest(input([corrected], known));
    expect(plan.deliver).toEqual([]);
    expect(plan.corrections).toEqual([{ pk: 7, article: corrected, contentHash: contentHash(corrected), edits: [{ channelId: 'telegram-main', state: 'pending' }] }]);
    expect(report).toMatchObject({ fresh: 0, queued: 0, corrected: 1 });
    expect(planIngest(input([story], known)).plan.corrections).toEqual([]);
  });
});
