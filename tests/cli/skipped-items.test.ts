import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { herald, workspace } from '../helpers/herald-cli.ts';

const NOW = new Date().toUTCString();
const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>News</title><link>https://news.example.kz/</link>
<item><title>Budget passes the Mazhilis</title><link>https://news.example.kz/budget/</link><guid>1</guid><pubDate>${NOW}</pubDate>
  <description>The lower house of parliament passed the three-year budget on Wednesday.</description></item>
<item><title>A story without a link</title><guid>2</guid><pubDate>${NOW}</pubDate></item>
<item><title>Click me</title><link>javascript:alert(1)</link><guid>3</guid><pubDate>${NOW}</pubDate></item>
<item><link>https://news.example.kz/untitled/</link><guid>4</guid><pubDate>${NOW}</pubDate></item>
</channel></rss>`;

const CONFIG = `feeds:
  - id: news
    url: ./feed.xml
    backfill: 10
channels:
  - id: console
    platform: console
    dryRun: true
`;

describe('items Herald cannot post are reported, never dropped silently', () => {
  it('by `once` and `preview`, per feed, with the reason', async () => {
    const ws = workspace(CONFIG);
    fs.writeFileSync(path.join(ws.dir, 'feed.xml'), FEED);
    const expected = [
      'feed news: skipped (no link): "A story without a link"',
      'feed news: skipped (unsafe link): "Click me" <javascript:alert(1)>',
      'feed news: skipped (no title): (no title) <https://news.example.kz/untitled/>',
    ];
    const preview = await herald(['preview', '--config', ws.config]);
    expect(preview.code, preview.stderr).toBe(0);
    for (const line of expected) expect(preview.stdout).toContain(`${line}\n`);

    const once = await herald(['once', '--config', ws.config]);
    expect(once.code, once.stderr).toBe(0);
    expect(once.stdout.split('\n').slice(0, 4)).toEqual(['feed news: 1 items, 1 new, 1 queued', ...expected]);
    expect(once.stdout).toMatch(/done: 1 dry-run/);
  });
});
