/**
 * Records corrections in PostgreSQL, inside the ledger's transaction, as SQLite does: the
 * article's new data and version, and per channel an edit of the post it made — only of a post
 * claimed at least once (one never claimed renders the corrected article when it goes), and not
 * when an edit of that post is still waiting (an edit renders the latest version at each claim).
 */
import { randomUUID } from 'node:crypto';
import type { ArticleCorrection } from '../../feeds/corrections.ts';
import type { Queryable } from './db.ts';

export async function recordCorrections(db: Queryable, corrections: ArticleCorrection[], now: number): Promise<void> {
  for (const { pk, article, contentHash, edits } of corrections) {
    await db.query('UPDATE articles SET title = $1, data = $2, content_hash = $3 WHERE pk = $4', [article.title, JSON.stringify(article), contentHash, pk]);
    if (edits.length === 0) continue;
    await db.query(
      `INSERT INTO deliveries (kind, target_id, article_pk, channel_id, link_key, state, idempotency_key, priority,
         due_at, order_at, created_at, settled_at, last_error, last_code)
       SELECT 'edit', p.id, p.article_pk, p.channel_id, p.link_key, e.state, e.key, p.priority, $2, $2, $2,
         CASE WHEN e.state = 'skipped' THEN $2::bigint END, e.reason, CASE WHEN e.state = 'skipped' THEN 'cannot_edit' END
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS e (channel_id, state, reason, key)
       JOIN LATERAL (
         SELECT id, article_pk, channel_id, link_key, priority FROM deliveries
         WHERE article_pk = $1 AND channel_id = e.channel_id AND kind = 'post' AND attempts > 0
           AND state IN ('pending', 'sending', 'sent', 'in_doubt')) p ON true
       WHERE e.state = 'skipped' OR NOT EXISTS (
         SELECT 1 FROM deliveries w WHERE w.target_id = p.id AND w.kind = 'edit' AND w.state IN ('pending', 'review'))`,
      [
        pk,
        now,
        edits.map((e) => e.channelId),
        edits.map((e) => e.state),
        edits.map((e) => (e.state === 'skipped' ? e.reason : null)),
        edits.map(() => randomUUID()),
      ],
    );
  }
}
