/**
 * Records corrections in SQLite, inside the ledger's transaction: the article's new data and
 * version, and per channel an edit of the post it made — only of a post claimed at least once
 * (one never claimed renders the corrected article when it goes), and not when an edit of that
 * post is still waiting (an edit renders the latest version at each claim).
 */
import { randomUUID } from 'node:crypto';
import type { ArticleCorrection } from '../../feeds/corrections.ts';
import { statement, type Db } from './db.ts';

/** Post states after a claim in which something may be (or become) published. */
const MAY_BE_PUBLISHED = `('pending', 'sending', 'sent', 'in_doubt')`;

export function recordCorrections(db: Db, corrections: ArticleCorrection[], now: number): void {
  const updateArticle = statement(db, 'UPDATE articles SET title = ?, data = ?, content_hash = ? WHERE pk = ?');
  const claimedPost = statement<[number, string], { id: number; link_key: string; priority: number }>(
    db,
    `SELECT id, link_key, priority FROM deliveries
     WHERE article_pk = ? AND channel_id = ? AND kind = 'post' AND attempts > 0 AND state IN ${MAY_BE_PUBLISHED}`,
  );
  const waitingEdit = statement<[number], { id: number }>(
    db,
    `SELECT id FROM deliveries WHERE target_id = ? AND kind = 'edit' AND state IN ('pending', 'review') LIMIT 1`,
  );
  const insertEdit = statement(
    db,
    `INSERT INTO deliveries (kind, target_id, article_pk, channel_id, link_key, state, idempotency_key, priority,
       due_at, order_at, created_at, settled_at, last_error, last_code)
     VALUES ('edit', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  for (const { pk, article, contentHash, edits } of corrections) {
    updateArticle.run(article.title, JSON.stringify(article), contentHash, pk);
    for (const edit of edits) {
      const post = claimedPost.get(pk, edit.channelId);
      if (!post) continue;
      if (edit.state === 'skipped') {
        insertEdit.run(post.id, pk, edit.channelId, post.link_key, 'skipped', randomUUID(), post.priority, now, now, now, now, edit.reason, 'cannot_edit');
      } else if (!waitingEdit.get(post.id)) {
        insertEdit.run(post.id, pk, edit.channelId, post.link_key, edit.state, randomUUID(), post.priority, now, now, now, null, null, null);
      }
    }
  }
}
