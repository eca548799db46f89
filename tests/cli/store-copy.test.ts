import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMastodonFake, type MastodonFake } from '../fakes/mastodon-api.ts';
import { rssFeed } from '../helpers/feed-xml.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';

let site: HttpFake;
let mastodon: MastodonFake;
let db: TestDatabase;

const config = (store: string) => `
store: "${store}"
feeds:
  - id: astanatimes
    url: ${site.url}/feed/
    backfill: 3
channels:
  - id: mastodon
    platform: mastodon
    apiRoot: ${mastodon.url}
    auth: { accessToken: copy-test-token }
`;

beforeAll(async () => {
  site = await startFake();
  mastodon = await startMastodonFake({ accessToken: 'copy-test-token' });
  db = await createTestDatabase();
  site.route('GET', '/feed/', () => ({ headers: { 'content-type': 'application/rss+xml' }, body: rssFeed([3, 2, 1].map((n) => ({ n }))) }));
});

afterAll(async () => {
  await Promise.all([site.close(), mastodon.close()]);
  await db.drop();
});

describe('herald store copy', () => {
  it('moves a store SQLite → PostgreSQL → SQLite; a `once` on each copy reposts nothing', async () => {
    const sqlite = workspace(config('./herald.db'));
    expect((await herald(['once', '--config', sqlite.config])).code).toBe(0);
    expect(mastodon.posts).toHaveLength(3);

    const toPostgres = await herald(['store', 'copy', '--config', sqlite.config, '--to', db.url]);
    expect(toPostgres.stderr).toBe('');
    expect(toPostgres.code).toBe(0);
    expect(toPostgres.stdout).toContain(`copied the store ${sqlite.store} into 127.0.0.1:5432/${db.name}\n`);
    expect(toPostgres.stdout).toMatch(/^ {2}articles: +3$/m);
    expect(toPostgres.stdout).toMatch(/^ {2}deliveries: +3$/m);
    expect(toPostgres.stdout).toMatch(/^ {2}attempts: +3$/m);

    const postgres = workspace(config(db.url));
    expect((await herald(['once', '--config', postgres.config])).code).toBe(0);
    expect(mastodon.posts).toHaveLength(3);

    const back = path.join(postgres.dir, 'back.db');
    const toSqlite = await herald(['store', 'copy', '--config', postgres.config, '--to', back]);
    expect(toSqlite.code).toBe(0);
    const sqliteAgain = workspace(config(back));
    expect((await herald(['once', '--config', sqliteAgain.config])).code).toBe(0);
    expect(mastodon.posts).toHaveLength(3);

    const refused = await herald(['store', 'copy', '--config', sqlite.config, '--to', db.url]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`the store 127.0.0.1:5432/${db.name} is not empty`);
    expect((await herald(['store', 'copy', '--config', sqlite.config, '--to', db.url, '--force'])).code).toBe(0);
    for (const w of [sqlite, postgres, sqliteAgain]) fs.rmSync(w.dir, { recursive: true, force: true });
  }, 120_000);
});
