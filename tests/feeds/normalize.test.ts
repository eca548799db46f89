import { describe, expect, it } from 'vitest';
import { normalizeItem, type RawItem } from '../../src/feeds/normalize.ts';

const context = { feedId: 'astanatimes', base: 'https://astanatimes.com/feed/' };
const item = (extra: RawItem): RawItem => ({ title: 'A story', link: 'https://astanatimes.com/2024/05/story/', ...extra });

describe('normalizeItem', () => {
  it('reads values xml2js returns as {_: text, $: attributes} objects', () => {
    const article = normalizeItem(
      {
        title: { _: 'Tokayev &amp; <b>investors</b>', $: { type: 'html' } },
        link: 'https://astanatimes.com/2024/05/story/',
        guid: { _: ' https://astanatimes.com/?p=1 ', $: { isPermaLink: 'false' } },
        categories: ['Nation', { _: ' Nation &amp; World ', $: { domain: 'x' } }, { $: { domain: 'y' } }, 42, '', 'Nation'],
      },
      context,
    );
    expect(article).toMatchObject({
      id: 'https://astanatimes.com/?p=1',
      title: 'Tokayev & investors',
      categories: ['Nation', 'Nation & World'],
    });
  });

  it('skips an item whose title is missing, empty or not text', () => {
    expect(normalizeItem(item({ title: undefined }), context)).toBeUndefined();
    expect(normalizeItem(item({ title: '  <img src="x.jpg">  ' }), context)).toBeUndefined();
    expect(normalizeItem(item({ title: { $: { type: 'xhtml' } } }), context)).toBeUndefined();
  });

  it('falls back from an unusable link to a guid that is a URL, else skips', () => {
    const guidLink = normalizeItem(item({ link: { $: { href: 'x' } }, guid: 'https://astanatimes.com/?p=7' }), context);
    expect(guidLink).toMatchObject({ id: 'https://astanatimes.com/?p=7', link: 'https://astanatimes.com/?p=7' });
    expect(normalizeItem(item({ link: 'javascript:void(0)', guid: 'post-7' }), context)).toBeUndefined();
    expect(normalizeItem(item({ link: '/relative' }), { feedId: 'local' })).toBeUndefined();
  });

  it('takes the date from isoDate, else pubDate, and drops dates that are not dates', () => {
    expect(normalizeItem(item({ isoDate: '2024-05-21T11:20:31.000Z' }), context)?.publishedAt).toBe('2024-05-21T11:20:31.000Z');
    expect(normalizeItem(item({ pubDate: 'Tue, 21 May 2024 11:20:31 +0000' }), context)?.publishedAt).toBe('2024-05-21T11:20:31.000Z');
    const undated = normalizeItem(item({ isoDate: 'yesterday', pubDate: '32 Mayember' }), context)!;
    expect(undated.publishedAt).toBeUndefined();
    expect('publishedAt' in undated).toBe(false);
  });

  it('takes the author from dc:creator, else author, as plain text', () => {
    expect(normalizeItem(item({ creator: '\n  Staff Report\n ', author: 'other' }), context)?.author).toBe('Staff Report');
    expect(normalizeItem(item({ author: 'news@astanatimes.com (Aida &amp; Co)' }), context)?.author).toBe('news@astanatimes.com (Aida & Co)');
    expect('author' in normalizeItem(item({ creator: '   ' }), context)!).toBe(false);
  });

  it('falls back to the next author or date source when one gives nothing usable', () => {
    expect(normalizeItem(item({ creator: ' <b> </b> ', author: 'Aida Haidar' }), context)?.author).toBe('Aida Haidar');
    expect(normalizeItem(item({ creator: { $: { role: 'x' } }, author: ' Dana  Omirgazy ' }), context)?.author).toBe('Dana Omirgazy');
    const dated = normalizeItem(item({ pubDate: '32 Mayember', date: '2024-05-21T11:20:31Z', isoDate: '2020-01-01T00:00:00.000Z' }), context);
    expect(dated?.publishedAt).toBe('2024-05-21T11:20:31.000Z');
    expect(normalizeItem(item({ pubDate: 'Tue, 21 May 2024 11:20:31 +0000', isoDate: '2020-01-01T00:00:00.000Z' }), context)?.publishedAt).toBe(
      '2024-05-21T11:20:31.000Z',
    );
  });

  it('takes the summary from content:encoded, else the description, else the Atom summary', () => {
    const excerpt = 'The excerpt of the story, cut [&#8230;]';
    expect(normalizeItem(item({ 'content:encoded': '<p>The full lead of the story.</p>', content: excerpt }), context)?.summary).toBe(
      'The full lead of the story.',
    );
    expect(normalizeItem(item({ 'content:encoded': '<p>Photo: x</p>', content: excerpt }), context)?.summary).toBe('The excerpt of the story, cut…');
    expect(normalizeItem(item({ summary: 'The Atom summary of the story.' }), context)?.summary).toBe('The Atom summary of the story.');
    expect(normalizeItem(item({}), context)?.summary).toBe('');
  });

  describe('imageUrl', () => {
    const imageOf = (extra: RawItem) => normalizeItem(item(extra), context)?.imageUrl;

    it('prefers an image media:content, resolved against the article link', () => {
      expect(
        imageOf({
          mediaContent: [{ $: { url: 'clip.mp4', medium: 'video' } }, { $: { url: '/wp-content/a.jpg', medium: 'image' } }],
          mediaThumbnail: [{ $: { url: 'https://astanatimes.com/thumb.jpg' } }],
        }),
      ).toBe('https://astanatimes.com/wp-content/a.jpg');
      expect(imageOf({ mediaContent: [{ $: { url: 'https://cdn.example.org/image?id=5', type: 'image/jpeg' } }] })).toBe(
        'https://cdn.example.org/image?id=5',
      );
      expect(imageOf({ mediaContent: [{ $: { url: 'https://cdn.example.org/b.PNG' } }] })).toBe('https://cdn.example.org/b.PNG');
    });

    it('then media:thumbnail, including inside media:group', () => {
      expect(imageOf({ mediaGroup: [{ 'media:thumbnail': [{ $: { url: 'https://i.ytimg.com/vi/x/hq.jpg' } }] }] })).toBe(
        'https://i.ytimg.com/vi/x/hq.jpg',
      );
    });

    it('then an image enclosure, never an audio one', () => {
      expect(imageOf({ enclosure: { url: 'https://astanatimes.com/e.jpg', type: 'image/jpeg', length: '1' } })).toBe('https://astanatimes.com/e.jpg');
      expect(imageOf({ enclosure: { url: 'https://astanatimes.com/e.mp3', type: 'audio/mpeg' } })).toBeUndefined();
    });

    it('then the first real <img> of the content, else of the description', () => {
      expect(
        imageOf({
          'content:encoded':
            '<p><img src="https://pixel.wp.com/g.gif" width="1" height="1"><img src="data:image/gif;base64,R0lGOD" data-src="/lazy.jpg"></p>',
          content: '<img src="https://astanatimes.com/desc.jpg">',
        }),
      ).toBe('https://astanatimes.com/lazy.jpg');
      expect(imageOf({ 'content:encoded': '<p>No picture.</p>', content: '<img src="https://astanatimes.com/desc.jpg">' })).toBe(
        'https://astanatimes.com/desc.jpg',
      );
      expect(imageOf({ mediaContent: [{ $: { url: 'https://0.gravatar.com/avatar/abc', medium: 'image' } }] })).toBeUndefined();
    });
  });
});
