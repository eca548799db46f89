import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rssFeed } from '../helpers/feed-xml.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { startFake } from '../helpers/http-fake.ts';

function filteredWorkspace(filter: string) {
  const ws = workspace(`
feeds:
  - id: astanatimes
    url: ./feed.xml
channels:
  - id: business
    platform: console
    filter:
${filter}
`);
  fs.writeFileSync(
    path.join(ws.dir, 'feed.xml'),
    rssFeed([
      { n: 1, title: 'Tenge steadies as oil recovers', categories: ['Business'] },
      { n: 2, title: 'Live updates: the wrestling final', categories: ['Sports'] },
      { n: 3, title: 'Sponsored: a new bank card', categories: ['Business', 'Sponsored'] },
    ]),
  );
  return ws;
}

describe('filters in the CLI', () => {
  it('preview shows each filtered article with the rule that filtered it, and renders the others', async () => {
    const ws = filteredWorkspace(`      categories: { include: [business], exclude: [Sponsored] }
      keywords: { exclude: ["live updates"] }`);
    const r = await herald(['preview', '--config', ws.config, '--limit', '5']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[business · console] "Sponsored: a new bank card"\n  filtered, not posted: categories.exclude "Sponsored" (category "Sponsored")\n');
    expect(r.stdout).toContain('[business · console] "Live updates: the wrestling final"\n  filtered, not posted: keywords.exclude "live updates" (in the title)\n');
    expect(r.stdout).toMatch(/\[business · console\] "Tenge steadies as oil recovers"\n(?!  filtered)/);

    const json = await herald(['preview', '--config', ws.config, '--limit', '5', '--json']);
    const results = JSON.parse(json.stdout) as { article: { title: string }; filtered?: unknown; post?: unknown }[];
    expect(results.map((x) => [x.article.title, x.filtered ?? 'posted'])).toEqual([
      ['Sponsored: a new bank card', { list: 'categories.exclude', entry: 'Sponsored', matched: 'Sponsored' }],
      ['Live updates: the wrestling final', { list: 'keywords.exclude', entry: 'live updates', matched: 'title' }],
      ['Tenge steadies as oil recovers', 'posted'],
    ]);
  });

  it('validate warns about a filter that lets no current item through, and still passes', async () => {
    const ws = filteredWorkspace(`      categories: { include: [Busines] }`);
    const r = await herald(['validate', '--config', ws.config]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      "channels.0.filter: warning: the filter lets none of the 3 current item(s) of feed(s) astanatimes through; check its entries against the feeds' categories and titles (`herald preview` shows the rule that filtered each)",
    );
    expect(r.stdout).toContain(': OK — 1 feed(s), 1 channel(s)');
  });

  it('validate fetches a feed on the network to check a filter only with --online', async () => {
    const fake = await startFake();
    try {
      fake.route('GET', '/feed/', () => ({
        headers: { 'content-type': 'application/rss+xml' },
        body: rssFeed([{ n: 1, title: 'Tenge steadies as oil recovers', categories: ['Business'] }]),
      }));
      const ws = workspace(`
feeds:
  - id: astanatimes
    url: ${fake.url}/feed/
channels:
  - id: business
    platform: console
    filter:
      categories: { include: [Busines] }
`);
      const offline = await herald(['validate', '--config', ws.config]);
      expect(offline.code).toBe(0);
      expect(offline.stdout.trim().split('\n')).toEqual([expect.stringContaining(': OK — 1 feed(s), 1 channel(s)')]);
      expect(fake.requests).toHaveLength(0);

      const online = await herald(['validate', '--online', '--config', ws.config]);
      expect(online.code).toBe(0);
      expect(online.stdout.split('\n')[0]).toMatch(/^channels\.0\.filter: warning: the filter lets none of the 1 current item\(s\) of feed\(s\) astanatimes through;/);
      expect(fake.requests.map((r) => r.path)).toEqual(['/feed/']);
    } finally {
      await fake.close();
    }
  });

  it('validate says nothing more when the filter lets something through', async () => {
    const ws = filteredWorkspace(`      categories: { include: [Business] }`);
    const r = await herald(['validate', '--config', ws.config]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });
});
