/** `herald preview` of a FeedBurner feed (TechCrunch, 2011) links the articles themselves, not feedproxy redirects. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';

const FEED = fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/feeds/feedjira/TechCrunch.xml'));

let site: HttpFake;
let ws: ReturnType<typeof workspace>;

beforeAll(async () => {
  site = await startFake();
  site.route('GET', '/Techcrunch', () => ({ headers: { 'content-type': 'text/xml; charset=UTF-8' }, body: FEED }));
  ws = workspace(`
store: ./herald.db
feeds:
  - id: techcrunch
    url: ${site.url}/Techcrunch
channels:
  - id: printed
    platform: console
    utm: { source: herald, medium: social }
`);
});
afterAll(() => site.close());

describe('herald preview of a FeedBurner feed', () => {
  it('links each article at its own address (feedburner:origLink), with the UTM tags', async () => {
    const r = await herald(['preview', '--json', '--limit', '3', '--config', ws.config]);
    expect(r.code).toBe(0);
    const posts = JSON.parse(r.stdout) as { channel: string; post: { link: string; text: string } }[];
    expect(posts.map((p) => p.post.link)).toEqual([
      'http://techcrunch.com/2011/11/02/angies-list-prices-ipo-at-11-to-13-per-share-valued-at-over-600m/?utm_source=herald&utm_medium=social',
      'http://techcrunch.com/2011/11/02/google-launches-native-gmail-app-for-iphone-ipad-and-ipod-touch/?utm_source=herald&utm_medium=social',
      'http://techcrunch.com/2011/11/02/maybe-bbm-music-isnt-so-silly-after-all/?utm_source=herald&utm_medium=social',
    ]);
    for (const { post } of posts) {
      expect(post.text).toContain(post.link);
      expect(post.text).not.toContain('feedproxy');
    }
  }, 60_000);
});
