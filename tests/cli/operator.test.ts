import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { rssFeed, type FeedItem } from '../helpers/feed-xml.ts';

let site: HttpFake;
let items: FeedItem[];
let ws: ReturnType<typeof workspace>;
const run = (...args: string[]) => herald([...args, '--config', ws.config]);

beforeAll(async () => {
  site = await startFake();
  items = [{ n: 2 }, { n: 1 }];
  site.route('GET', '/feed/', () => ({ body: rssFeed(items) }));
  ws = workspace(`
store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}/feed/
    backfill: 2
channels:
  - id: printed
    platform: console
  - id: x-dry
    platform: x
    dryRun: true
    auth: { appKey: k, appSecret: s, accessToken: t, accessSecret: a }
`);
});
afterAll(() => site.close());

describe('operator commands', () => {
  it('preview prints each channel post with its length in the platform unit, and records nothing', async () => {
    const r = await run('preview', '--limit', '1');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[x-dry · x\] "Kazakhstan and partners sign agreement number 2"$/m);
    expect(r.stdout).toMatch(/┌ text · weighted \d+\/280/);
    expect(r.stdout).toMatch(/┌ text · chars \d+\/10000/);
    const json = JSON.parse((await run('preview', '--json', '--channel', 'x-dry')).stdout) as { channel: string; post: { text: string; lengths: { unit: string }[] } }[];
    expect(json.map((p) => p.channel)).toEqual(['x-dry', 'x-dry']);
    expect(json[0]!.post.lengths[0]!.unit).toBe('weighted');
    expect(fs.existsSync(ws.store)).toBe(false);
    expect(site.requests.every((q) => q.method === 'GET')).toBe(true);
  }, 60_000);

  it('a flood is held and reported; release posts it; skip and retry confirm in one line', async () => {
    expect((await run('once')).stdout).toMatch(/done: 2 sent, 2 dry-run/);
    items.unshift(...Array.from({ length: 12 }, (_, i) => ({ n: 20 - i })));
    const flood = await run('once');
    expect(flood.code).toBe(0);
    expect(flood.stdout).toMatch(/12 HELD by the flood guard \(herald release astanatimes \| herald skip --held\)/);
    const status = await run('status');
    expect(status.stdout).toMatch(/Deliveries: 24 held, 0 review, 0 pending, 0 sending, 4 sent/);
    expect(status.stdout).toContain('Held by the flood guard');

    const release = await run('release', 'astanatimes');
    expect(release).toMatchObject({ code: 0, stdout: '24 held deliveries of feed astanatimes released: they go out with the next run\n' });
    expect((await run('once')).stdout).toMatch(/done: 12 sent, 12 dry-run/);
    expect((await run('skip', '--held')).stdout).toBe('0 held deliveries skipped\n');

    const missing = await run('retry', '999');
    expect(missing).toMatchObject({ code: 1, stderr: 'herald: no delivery 999 in the store — `herald history` lists the deliveries and their ids\n' });
    const sent = await run('retry', '1');
    expect(sent.code).toBe(1);
    expect(sent.stderr).toMatch(/^herald: delivery 1 is sent — only failed or in-doubt deliveries can be retried/);
    const usage = await run('retry');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/retry needs a delivery id .* or --failed/);
    expect((await run('release', 'nope')).code).toBe(2);
    expect((await run('resume', 'printed')).stdout).toBe('channel printed was not paused\n');
  }, 180_000);
});
