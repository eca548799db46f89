import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Article } from '../../src/article.ts';
import type { ArticleCorrection } from '../../src/feeds/corrections.ts';
import { contentHash } from '../../src/feeds/versions.ts';
import { recordCorrections } from '../../src/store/sqlite/corrections.ts';
import { openDb, type Db } from '../../src/store/sqlite/db.ts';
import { dialogueArticle } from '../helpers/adapter-test.ts';

const NOW = Date.parse('2026-12-02T08:00:00Z');
const article = dialogueArticle({ title: 'Kazakhstan Exports Rise 18%' });
const corrected: Article = { ...article, title: 'Kazakhstan Exports Rise 21%' };

let db: Db;
let pk: number;

/** A post delivery of the article on `channelId`, as the worker would have left it. */
function post(channelId: string, state: string, attempts: number): number {
  const { id } = db
    .prepare(
      `INSERT INTO deliveries (article_pk, channel_id, link_key, state, idempotency_key, attempts, priority, due_at, order_at, created_at, remote_id)
       VALUES (?, ?, ?, ?, ?, ?, 3, 0, 0, 0, ?) RETURNING id`,
    )
    .get(pk, channelId, article.linkKey, state, `post-${channelId}`, attempts, state === 'sent' ? `remote-${channelId}` : null) as { id: number };
  return id;
}

function edits() {
  return db
    .prepare(`SELECT target_id AS target, channel_id AS channel, state, priority, attempts, last_error AS lastError, last_code AS lastCode, settled_at AS settledAt FROM deliveries WHERE kind = 'edit' ORDER BY id`)
    .all();
}

function correction(edits: ArticleCorrection['edits'], version: Article = corrected): ArticleCorrection {
  return { pk, article: version, contentHash: contentHash(version), edits };
}

beforeEach(() => {
  db = openDb(':memory:');
  ({ pk } = db
    .prepare(`INSERT INTO articles (feed_id, guid, link_key, title, seen_at, data, content_hash) VALUES (?, ?, ?, ?, 0, ?, ?) RETURNING pk`)
    .get(article.feedId, article.id, article.linkKey, article.title, JSON.stringify(article), contentHash(article)) as { pk: number });
});

afterEach(() => db.close());

describe('recordCorrections (SQLite)', () => {
  it('updates the article and its version, and plans an edit only of posts that may have been published', () => {
    const sent = post('telegram', 'sent', 1);
    post('mastodon', 'pending', 0);
    const inDoubt = post('facebook', 'in_doubt', 1);
    post('discord', 'failed', 2);
    const onX = post('x', 'sent', 1);
    recordCorrections(
      db,
      [
        correction([
          { channelId: 'telegram', state: 'pending' },
          { channelId: 'mastodon', state: 'pending' },
          { channelId: 'facebook', state: 'review' },
          { channelId: 'discord', state: 'pending' },
          { channelId: 'x', state: 'skipped', reason: 'correction not applied: x cannot edit posts' },
        ]),
      ],
      NOW,
    );
    expect(db.prepare('SELECT title, data, content_hash AS hash FROM articles WHERE pk = ?').get(pk)).toEqual({
      title: corrected.title,
      data: JSON.stringify(corrected),
      hash: contentHash(corrected),
    });
    expect(edits()).toEqual([
      { target: sent, channel: 'telegram', state: 'pending', priority: 3, attempts: 0, lastError: null, lastCode: null, settledAt: null },
      { target: inDoubt, channel: 'facebook', state: 'review', priority: 3, attempts: 0, lastError: null, lastCode: null, settledAt: null },
      { target: onX, channel: 'x', state: 'skipped', priority: 3, attempts: 0, lastError: 'correction not applied: x cannot edit posts', lastCode: 'cannot_edit', settledAt: NOW },
    ]);
  });

  it('a second correction while the edit still waits unclaimed adds none: it renders the latest version when it goes', () => {
    const sent = post('telegram', 'sent', 1);
    recordCorrections(db, [correction([{ channelId: 'telegram', state: 'pending' }])], NOW);
    recordCorrections(db, [correction([{ channelId: 'telegram', state: 'pending' }], { ...corrected, title: 'Kazakhstan Exports Rise 22%' })], NOW + 1);
    expect(edits()).toMatchObject([{ target: sent, state: 'pending' }]);
    expect(db.prepare('SELECT title FROM articles WHERE pk = ?').get(pk)).toEqual({ title: 'Kazakhstan Exports Rise 22%' });
  });

  it('once the waiting edit was claimed, the next correction gets an edit of its own', () => {
    const sent = post('telegram', 'sent', 1);
    recordCorrections(db, [correction([{ channelId: 'telegram', state: 'pending' }])], NOW);
    db.prepare(`UPDATE deliveries SET state = 'sending', attempts = 1 WHERE kind = 'edit'`).run();
    recordCorrections(db, [correction([{ channelId: 'telegram', state: 'pending' }], { ...corrected, title: 'Kazakhstan Exports Rise 22%' })], NOW + 1);
    expect(edits()).toMatchObject([
      { target: sent, state: 'sending', attempts: 1 },
      { target: sent, state: 'pending', attempts: 0 },
    ]);
  });

  it('a version recorded without edits only updates the article', () => {
    post('telegram', 'sent', 1);
    recordCorrections(db, [correction([])], NOW);
    expect(edits()).toEqual([]);
    expect(db.prepare('SELECT content_hash AS hash FROM articles WHERE pk = ?').get(pk)).toEqual({ hash: contentHash(corrected) });
  });
});
