import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Article } from '../../src/article.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import { contentHash, isCorrection } from '../../src/feeds/versions.ts';
import { dialogueArticle } from '../helpers/adapter-test.ts';

describe('content hash', () => {
  const article = dialogueArticle({
    title: 'Kazakhstan Exports Rise 18%',
    summary: 'ASTANA – Minister Zoë Äbenova said exports to Türkiye rose.',
    publishedAt: '2024-05-22T09:15:00Z',
  });

  it('changes with the title or the lead a post shows', () => {
    const hash = contentHash(article);
    expect(hash).toMatch(/^v1:[A-Za-z0-9_-]{43}$/);
    expect(contentHash({ ...article, title: 'Kazakhstan Exports Rise 21%' })).not.toBe(hash);
    expect(contentHash({ ...article, summary: `${article.summary} Updated.` })).not.toBe(hash);
    expect(contentHash({ ...article, title: 'kazakhstan exports rise 18%' })).not.toBe(hash);
  });

  it('keeps title and lead apart: a word moved from one to the other is a change', () => {
    expect(contentHash({ title: 'Rise 18%', summary: 'in May' })).not.toBe(contentHash({ title: 'Rise 18% in', summary: 'May' }));
  });

  it('ignores what no reader sees, and everything that is not the title or the lead', () => {
    const hash = contentHash(article);
    expect(contentHash({ ...article, title: ' Kazakhstan\u00A0Exports  Rise\t18%\u200B ' })).toBe(hash);
    expect(contentHash({ ...article, summary: article.summary.normalize('NFD').replace(/ /g, '\n') })).toBe(hash);
    const republished: Article = { ...article, publishedAt: '2024-05-23T10:00:00Z', categories: ['Business'], imageUrl: 'https://astanatimes.com/new.jpg', author: 'Staff' };
    expect(contentHash(republished)).toBe(hash);
  });
});

describe('isCorrection', () => {
  const before = contentHash({ title: 'Rise 18%', summary: '' });
  const after = contentHash({ title: 'Rise 21%', summary: '' });

  it('is a correction only when a hash of this scheme was recorded and differs', () => {
    expect(isCorrection(before, after)).toBe(true);
    expect(isCorrection(before, before)).toBe(false);
    expect(isCorrection(undefined, after)).toBe(false);
    expect(isCorrection('v0:an-older-scheme', after)).toBe(false);
  });
});

describe('noise in the feed is not a correction (property, through the real parse)', () => {
  const word = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('Kazakhstan', 'exports', 'rise', '18%', 'Tokayev', 'U.S.', '–', '“quoted”', 'it’s') },
    { weight: 3, arbitrary: fc.constantFrom('Қазақстан', 'Алматы', 'é', 'Zoë', '中文', 'الأخبار', '😀', '🇰🇿', 'AT&T', '<b>', 'a<b', '"x"', "'y'", '&amp;') },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).filter((w) => w.trim() === w && w !== '') },
  );
  const words = (max: number) => fc.array(word, { minLength: 1, maxLength: max });

  /** One way a feed may write a text: each choice changes the bytes, never what a reader sees. */
  const noise = fc.record({
    /** Characters written as numeric references. */
    numericRefs: fc.boolean(),
    /** Spaces written as runs of spaces, tabs, newlines or &nbsp;. */
    space: fc.constantFrom(' ', '  ', '\n', ' \t ', '&nbsp;', '&#160;'),
    /** Words wrapped in inline markup. */
    emphasis: fc.boolean(),
    nfd: fc.boolean(),
    /** Spaces around the whole text. */
    padding: fc.constantFrom('', ' ', '\n  '),
  });
  type Noise = typeof noise extends fc.Arbitrary<infer N> ? N : never;

  const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const escapeXml = escapeHtml;

  /** HTML for `ws` as it might appear in a title or a paragraph. */
  function html(ws: string[], n: Noise): string {
    const pieces = ws.map((w) => {
      const text = n.nfd ? w.normalize('NFD') : w.normalize('NFC');
      const escaped = n.numericRefs ? [...text].map((c) => `&#${c.codePointAt(0)};`).join('') : escapeHtml(text);
      return n.emphasis ? `<em>${escaped}</em>` : escaped;
    });
    return `${n.padding}${pieces.join(n.space)}${n.padding}`;
  }

  function feed(title: string[], lead: string[], n: Noise, pubDate: string, category: string): string {
    return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>The Astana Times</title><link>https://astanatimes.com</link><description>News</description>
<item>
  <title>${escapeXml(html(title, n))}</title>
  <link>https://astanatimes.com/2024/05/story/</link>
  <guid isPermaLink="false">https://astanatimes.com/?p=1</guid>
  <pubDate>${pubDate}</pubDate>
  <category>${category}</category>
  <content:encoded>${escapeXml(`<p>Photo credit: Akorda</p>\n<p>ASTANA – Officials said ${html(lead, n)} on Monday.</p>\n<p>Second paragraph.</p>`)}</content:encoded>
</item>
</channel></rss>`;
  }

  async function versionOf(xml: string): Promise<string> {
    const { articles } = await parseFeed(xml, { id: 'astanatimes', url: 'https://astanatimes.com/feed/' });
    expect(articles).toHaveLength(1);
    return contentHash(articles[0]!);
  }

  it('the same title and lead written two ways, with another date and category, hash the same', async () => {
    await fc.assert(
      fc.asyncProperty(words(12), words(40), noise, noise, async (title, lead, a, b) => {
        const first = await versionOf(feed(title, lead, a, 'Wed, 22 May 2024 09:15:00 GMT', 'Nation'));
        const second = await versionOf(feed(title, lead, b, 'Thu, 23 May 2024 11:40:00 GMT', 'Business'));
        expect(isCorrection(first, second)).toBe(false);
      }),
      { numRuns: 120 },
    );
  });

  it('a word changed in the title or the lead is a correction, however it is written', async () => {
    await fc.assert(
      fc.asyncProperty(words(12), words(40), noise, noise, fc.boolean(), async (title, lead, a, b, inTitle) => {
        const changed = (ws: string[]) => [...ws, 'corrected'];
        const first = await versionOf(feed(title, lead, a, 'Wed, 22 May 2024 09:15:00 GMT', 'Nation'));
        const second = await versionOf(feed(inTitle ? changed(title) : title, inTitle ? lead : changed(lead), b, 'Wed, 22 May 2024 09:15:00 GMT', 'Nation'));
        expect(isCorrection(first, second)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
