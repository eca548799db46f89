import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverFeeds } from '../../src/cli/discover-feeds.ts';
import { herald } from '../helpers/herald-cli.ts';
import { REFUSED_URL, startFake, type HttpFake } from '../helpers/http-fake.ts';

const HOME_PAGE = `<!doctype html><html><head><title>The Steppe Times</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="The Steppe Times &raquo; Feed" href="/feed/">
<LINK REL="Alternate" TYPE="application/atom+xml" TITLE="Business" HREF="https://steppe.example/business/atom.xml">
<link rel="alternate" type="application/rss+xml" title="Duplicate" href="/feed/">
<link rel="alternate" hreflang="kk" href="/kk/">
</head><body><a href="/feed/">RSS</a></body></html>`;

describe('feed discovery', () => {
  it("finds the feeds a page announces, resolved against it, once each, with their titles", () => {
    expect(discoverFeeds(HOME_PAGE, 'https://steppe.example/')).toEqual([
      { url: 'https://steppe.example/feed/', title: 'The Steppe Times » Feed' },
      { url: 'https://steppe.example/business/atom.xml', title: 'Business' },
    ]);
  });

  it('resolves against <base href> and ignores links that are not http(s)', () => {
    const html = '<head><base href="https://cdn.steppe.example/x/"><link rel="alternate" type="application/rss+xml" href="rss.xml"><link rel="alternate" type="application/rss+xml" href="javascript:alert(1)"></head>';
    expect(discoverFeeds(html, 'https://steppe.example/')).toEqual([{ url: 'https://cdn.steppe.example/x/rss.xml' }]);
  });
});

describe('herald init', () => {
  let site: HttpFake;
  beforeAll(async () => {
    site = await startFake();
    site.route('GET', '/', () => ({ headers: { 'content-type': 'text/html; charset=utf-8' }, body: HOME_PAGE }));
  });
  afterAll(() => site.close());

  const folder = () => fs.mkdtempSync(path.join(os.tmpdir(), 'herald-init-'));

  it('writes a starter config with the feeds of --site, which validates as written, and never overwrites it', async () => {
    const dir = folder();
    const r = await herald(['init', '--site', site.url], { cwd: dir });
    const file = path.join(dir, 'herald.yaml');
    expect(r.stdout).toBe(`${file}: written with 2 feed(s) found on ${site.url} and a console channel — next: \`herald validate\`, then \`herald preview\`\n`);
    expect(r.code).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain(`    url: "${site.url}/feed/"`);
    expect(text).toContain('    url: "https://steppe.example/business/atom.xml"');
    expect(site.requests.at(-1)!.headers['user-agent']).toMatch(/^Herald\/\d+\.\d+\.\d+ /);

    const valid = await herald(['validate'], { cwd: dir });
    expect(valid.stdout).toMatch(/: OK — 2 feed\(s\), 1 channel\(s\)/);
    expect(valid.code).toBe(0);

    const again = await herald(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`herald: ${file} exists already; herald init does not overwrite it — edit it, or pass --config NEW-FILE to write another\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  it('without --site, writes a placeholder feed that validates; an unreachable site exits 1 and writes nothing', async () => {
    const dir = folder();
    expect((await herald(['init', '--config', 'starter.yaml'], { cwd: dir })).code).toBe(0);
    expect((await herald(['validate', '--config', 'starter.yaml'], { cwd: dir })).code).toBe(0);

    const down = await herald(['init', '--site', REFUSED_URL], { cwd: dir });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^herald: cannot read http:\/\/127\.0\.0\.1:2\/? \(connect ECONNREFUSED 127\.0\.0\.1:2\) — check the address, or run `herald init` without --site and fill in the feed yourself\n$/);
    expect(fs.existsSync(path.join(dir, 'herald.yaml'))).toBe(false);
  });
});
