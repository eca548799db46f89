import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPageImage, withPageImage } from '../../src/feeds/page-image.ts';
import { MemoryPageImageCache } from '../../src/feeds/page-image-cache.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';
import { blankArticle } from '../helpers/adapter-test.ts';

const LIMITS = { timeoutSeconds: 5, maxBytes: 4096 };
const html = (head: string) => ({ headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!doctype html><html><head>${head}</head><body><p>Story</p></body></html>` });

let site: HttpFake;
beforeAll(async () => {
  site = await startFake();
  site.route('GET', '/story/', () => html('<meta property="og:image" content="/uploads/metro-1200x630.jpg"><meta name="twitter:image" content="/t.jpg">'));
  site.route('GET', '/twitter-only/', () => html('<meta name="twitter:image" content="https://cdn.example.kz/t.jpg">'));
  site.route('GET', '/logo-only/', () => html('<meta property="og:image" content="https://secure.gravatar.com/avatar/abc?s=96">'));
  site.route('GET', '/none/', () => html('<title>No image</title>'));
  site.route('GET', '/huge/', () => html(`<title>${'x'.repeat(8192)}</title><meta property="og:image" content="/late.jpg">`));
  site.route('GET', '/pdf/', () => ({ headers: { 'content-type': 'application/pdf' }, body: '%PDF' }));
});
afterAll(() => site.close());

describe('fetchPageImage', () => {
  it('takes og:image, made absolute, else twitter:image', async () => {
    expect(await fetchPageImage(`${site.url}/story/`, LIMITS)).toBe(`${site.url}/uploads/metro-1200x630.jpg`);
    expect(await fetchPageImage(`${site.url}/twitter-only/`, LIMITS)).toBe('https://cdn.example.kz/t.jpg');
  });

  it('answers null for no image, an avatar, a tag past the size cap, or a page that is not HTML', async () => {
    for (const path of ['/none/', '/logo-only/', '/huge/', '/pdf/']) expect(await fetchPageImage(`${site.url}${path}`, LIMITS)).toBeNull();
  });
});

describe('withPageImage', () => {
  it('fetches each article page at most once, remembering "none" too', async () => {
    const cache = new MemoryPageImageCache();
    const article = blankArticle({ link: `${site.url}/story/`, linkKey: `${site.url}/story` });
    const none = blankArticle({ link: `${site.url}/none/`, linkKey: `${site.url}/none` });
    const before = site.requests.length;
    const deps = { cache, limits: LIMITS, now: 1_000 };
    expect((await withPageImage(article, deps)).imageUrl).toBe(`${site.url}/uploads/metro-1200x630.jpg`);
    expect((await withPageImage(article, deps)).imageUrl).toBe(`${site.url}/uploads/metro-1200x630.jpg`);
    expect(await withPageImage(none, deps)).toEqual(none);
    expect(await withPageImage(none, deps)).toEqual(none);
    expect(site.requests.length - before).toBe(2);
    expect(cache.entries.get(`${site.url}/none`)).toEqual({ imageUrl: null, fetchedAt: 1_000 });
  });

  it('leaves an article with a feed image alone, and counts an unreachable page as having none', async () => {
    const cache = new MemoryPageImageCache();
    const withImage = blankArticle({ imageUrl: 'https://astanatimes.com/a.jpg' });
    expect(await withPageImage(withImage, { cache, limits: LIMITS, now: 1 })).toBe(withImage);
    const gone = blankArticle({ link: 'http://127.0.0.1:9/story/', linkKey: 'http://127.0.0.1:9/story' });
    expect(await withPageImage(gone, { cache, limits: LIMITS, now: 2 })).toEqual(gone);
    expect(await cache.get('http://127.0.0.1:9/story')).toBeNull();
  });
});
