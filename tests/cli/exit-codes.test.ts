import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { REFUSED_PORT } from '../helpers/http-fake.ts';

const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>News</title><link>https://news.example.kz/</link>
<item><title>Budget passes the Mazhilis</title><link>https://news.example.kz/budget/</link><guid>1</guid><pubDate>${new Date().toUTCString()}</pubDate>
  <description>The lower house of parliament passed the three-year budget on Wednesday.</description></item>
</channel></rss>`;

describe('exit codes that tell the truth', () => {
  it('a channel whose platform cannot be reached: `once` exits 1, `status` names it unavailable (not rate-limited) and exits 1', async () => {
    const port = REFUSED_PORT;
    const ws = workspace(`feeds:
  - id: news
    url: ./feed.xml
    backfill: 10
channels:
  - id: mastodon-main
    platform: mastodon
    apiRoot: http://127.0.0.1:${port}
    auth: { accessToken: "tok-canary-0123456789" }
`);
    fs.writeFileSync(path.join(ws.dir, 'feed.xml'), FEED);
    const once = await herald(['once', '--config', ws.config]);
    expect(once.code, once.stderr).toBe(1);
    expect(once.stdout).toMatch(/queued for later:\n {2}mastodon-main: unavailable \(.+\) until /);

    const status = await herald(['status', '--config', ws.config]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/mastodon-main \(mastodon\): 1 queued, next due .* — UNAVAILABLE until .*: /);
    expect(status.stdout).not.toMatch(/rate-limited/);
    const json = JSON.parse((await herald(['status', '--json', '--config', ws.config])).stdout) as { ok: boolean; channels: { id: string; blocked: string }[] };
    expect(json.ok).toBe(false);
    expect(json.channels).toMatchObject([{ id: 'mastodon-main', blocked: 'unavailable' }]);
    expect(once.stdout + once.stderr + status.stdout).not.toContain('tok-canary-0123456789');
  });

  it('all well: `status` exits 0', async () => {
    const ws = workspace(`feeds:
  - id: news
    url: ./feed.xml
    backfill: 10
channels:
  - id: console
    platform: console
`);
    fs.writeFileSync(path.join(ws.dir, 'feed.xml'), FEED);
    expect((await herald(['once', '--config', ws.config])).code).toBe(0);
    const status = await herald(['status', '--config', ws.config]);
    expect(status.code, status.stdout).toBe(0);
    expect(JSON.parse((await herald(['status', '--json', '--config', ws.config])).stdout)).toMatchObject({ ok: true, store: 'sqlite', counts: { sent: 1 } });
  });
});
