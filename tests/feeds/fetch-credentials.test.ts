import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedSchema } from '../../src/config/feed-schema.ts';
import { fetchFeed } from '../../src/feeds/fetch.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';

const RSS = '<rss version="2.0"><channel><title>t</title></channel></rss>';
const options = { baseDir: '.', userAgent: 'Herald/test' };
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('feeds behind credentials', () => {
  let site: HttpFake;
  let elsewhere: HttpFake;
  beforeAll(async () => {
    site = await startFake();
    elsewhere = await startFake();
    site.route('GET', '/feed', () => ({ headers: { 'content-type': 'application/rss+xml' }, body: RSS }));
    site.route('GET', '/moved', () => ({ status: 302, headers: { location: `${elsewhere.url}/feed` } }));
    elsewhere.route('GET', '/feed', () => ({ headers: { 'content-type': 'application/rss+xml' }, body: RSS }));
  });
  afterAll(async () => {
    await site.close();
    await elsewhere.close();
  });

  it('a url with user:password@ is fetched with HTTP Basic auth, and the credentials are in no URL Herald reports', async () => {
    const url = site.url.replace('http://', 'http://reader:s%3Acret%40pass@');
    const result = await fetchFeed(feedSchema.parse({ id: 'private', url: `${url}/feed` }), {}, options);
    expect(result).toMatchObject({ kind: 'fetched', url: `${site.url}/feed` });
    expect(site.requests.at(-1)!.headers.authorization).toBe(basic('reader:s:cret@pass'));
  });

  it('sends the headers of the feed, which may replace Herald’s own', async () => {
    const feed = feedSchema.parse({ id: 'token', url: `${site.url}/feed`, headers: { Authorization: 'Bearer tok-123', 'X-Api-Key': 'k-456', Accept: 'application/rss+xml' } });
    await fetchFeed(feed, {}, options);
    const { headers } = site.requests.at(-1)!;
    expect([headers.authorization, headers['x-api-key'], headers.accept, headers['user-agent']]).toEqual(['Bearer tok-123', 'k-456', 'application/rss+xml', 'Herald/test']);
  });

  it('does not take Basic credentials along a redirect to another origin', async () => {
    const url = site.url.replace('http://', 'http://reader:secret@');
    const result = await fetchFeed(feedSchema.parse({ id: 'moved', url: `${url}/moved` }), {}, options);
    expect(result).toMatchObject({ kind: 'fetched', url: `${elsewhere.url}/feed` });
    expect(site.requests.at(-1)!.headers.authorization).toBe(basic('reader:secret'));
    expect(elsewhere.requests.at(-1)!.headers.authorization).toBeUndefined();
  });
});
