/** Schema versions, applied in order; PRAGMA user_version records how far a store has come. */
export const migrations: string[] = [
  `
  CREATE TABLE feeds (
    id TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    first_polled_at INTEGER,
    last_poll_at INTEGER,
    last_ok_at INTEGER,
    last_error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_poll_at INTEGER
  );

  CREATE TABLE articles (
    pk INTEGER PRIMARY KEY,
    feed_id TEXT NOT NULL,
    guid TEXT NOT NULL,
    link_key TEXT NOT NULL,
    title TEXT NOT NULL,
    published_at INTEGER,
    seen_at INTEGER NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (feed_id, guid)
  );
  CREATE INDEX articles_by_link ON articles (link_key, feed_id);

  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    article_pk INTEGER NOT NULL REFERENCES articles (pk),
    channel_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('held', 'pending', 'sending', 'sent', 'failed', 'in_doubt', 'skipped')),
    idempotency_key TEXT NOT NULL UNIQUE,
    attempts INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    resend INTEGER NOT NULL DEFAULT 0,
    due_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    settled_at INTEGER,
    rendered TEXT,
    dry_run INTEGER NOT NULL DEFAULT 0,
    remote_id TEXT,
    remote_url TEXT,
    last_error TEXT,
    UNIQUE (article_pk, channel_id)
  );
  CREATE INDEX deliveries_queue ON deliveries (channel_id, state, due_at);

  CREATE TABLE attempts (
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
    n INTEGER NOT NULL,
    channel_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    outcome TEXT,
    detail TEXT,
    PRIMARY KEY (delivery_id, n)
  );
  CREATE INDEX attempts_by_channel ON attempts (channel_id, started_at);

  CREATE TABLE channels (
    id TEXT PRIMARY KEY,
    paused_reason TEXT,
    paused_at INTEGER,
    blocked_until INTEGER
  );

  CREATE TABLE worker_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    heartbeat_at INTEGER NOT NULL
  );
  `,
  // 2: the queue order (oldest article first) kept on the delivery itself, so the next due
  // delivery is read from an index instead of sorting the channel's whole queue. The default
  // only satisfies ADD COLUMN: existing rows are filled in here, new ones by ingest. due_at
  // comes last so deliveries not yet due are passed over without reading their rows.
  `
  ALTER TABLE deliveries ADD COLUMN order_at INTEGER NOT NULL DEFAULT 0;
  UPDATE deliveries SET order_at = (SELECT COALESCE(a.published_at, a.seen_at) FROM articles a WHERE a.pk = deliveries.article_pk);
  CREATE INDEX deliveries_in_order ON deliveries (channel_id, state, order_at, article_pk, due_at);
  `,
];
