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
  // 3: many workers and the second wave. Deliveries are rebuilt (SQLite cannot change a CHECK):
  // edits beside posts, review and expired states, priority, the link of the post so one story
  // gets one post per channel whatever feed brings it (a unique index, not a lookup), the
  // claiming worker and the last outcome's code. Workers and leases replace the one lock.
  `
  CREATE TABLE deliveries_v3 (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'post' CHECK (kind IN ('post', 'edit')),
    target_id INTEGER,
    article_pk INTEGER NOT NULL REFERENCES articles (pk),
    channel_id TEXT NOT NULL,
    link_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('held', 'review', 'pending', 'sending', 'sent', 'failed', 'in_doubt', 'skipped', 'expired')),
    idempotency_key TEXT NOT NULL UNIQUE,
    attempts INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    resend INTEGER NOT NULL DEFAULT 0,
    priority INTEGER NOT NULL DEFAULT 0,
    due_at INTEGER NOT NULL,
    order_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    settled_at INTEGER,
    rendered TEXT,
    dry_run INTEGER NOT NULL DEFAULT 0,
    remote_id TEXT,
    remote_url TEXT,
    last_error TEXT,
    last_code TEXT,
    claimed_by TEXT
  );
  INSERT INTO deliveries_v3 (id, kind, article_pk, channel_id, link_key, state, idempotency_key, attempts, failures, resend,
    due_at, order_at, created_at, settled_at, rendered, dry_run, remote_id, remote_url, last_error)
  SELECT d.id, 'post', d.article_pk, d.channel_id, a.link_key, d.state, d.idempotency_key, d.attempts, d.failures, d.resend,
    d.due_at, d.order_at, d.created_at, d.settled_at, d.rendered, d.dry_run, d.remote_id, d.remote_url, d.last_error
  FROM deliveries d JOIN articles a ON a.pk = d.article_pk;
  DROP TABLE deliveries;
  ALTER TABLE deliveries_v3 RENAME TO deliveries;
  CREATE UNIQUE INDEX deliveries_one_post ON deliveries (channel_id, link_key) WHERE kind = 'post';
  CREATE INDEX deliveries_queue ON deliveries (channel_id, state, due_at);
  CREATE INDEX deliveries_in_order ON deliveries (channel_id, state, kind, order_at, article_pk, due_at);
  CREATE INDEX deliveries_by_article ON deliveries (article_pk);
  CREATE INDEX deliveries_by_target ON deliveries (target_id) WHERE target_id IS NOT NULL;

  ALTER TABLE attempts ADD COLUMN code TEXT;
  ALTER TABLE attempts ADD COLUMN http_status INTEGER;
  ALTER TABLE attempts ADD COLUMN worker_id TEXT;
  ALTER TABLE channels ADD COLUMN blocked_code TEXT;
  ALTER TABLE channels ADD COLUMN blocked_reason TEXT;
  ALTER TABLE feeds ADD COLUMN poll_worker TEXT;
  ALTER TABLE feeds ADD COLUMN poll_lease_until INTEGER;
  CREATE INDEX feeds_due ON feeds (next_poll_at);
  ALTER TABLE articles ADD COLUMN content_hash TEXT;

  DROP TABLE worker_lock;
  CREATE TABLE workers (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
  );
  CREATE TABLE channel_leases (
    channel_id TEXT PRIMARY KEY,
    worker_id TEXT NOT NULL,
    lease_until INTEGER NOT NULL
  );
  CREATE TABLE credentials (
    channel_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    account TEXT,
    expires_at INTEGER,
    refreshed_at INTEGER,
    updated_at INTEGER NOT NULL,
    refresh_worker TEXT,
    refresh_until INTEGER
  );
  CREATE TABLE alerts (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT,
    raised_at INTEGER NOT NULL,
    notified_at INTEGER,
    resolved_at INTEGER,
    resolve_notified_at INTEGER
  );
  CREATE TABLE page_images (
    link_key TEXT PRIMARY KEY,
    image_url TEXT,
    fetched_at INTEGER NOT NULL
  );
  `,
];
