import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeedError } from '../../src/errors.ts';
import { decodeFeedBytes } from '../../src/feeds/decode.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import { feedError } from '../helpers/feed-error.ts';

const fixture = (name: string) => decodeFeedBytes(fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures', name)));
const outlet = { id: 'astanatimes', url: 'https://astanatimes.com/feed/' };

async function parseError(text: string, feed = outlet): Promise<FeedError> {
  const err = await feedError(parseFeed(text, feed));
  expect(err.feedId).toBe(feed.id);
  return err;
}

describe('parseFeed on the outlet fixture', async () => {
  const parsed = await parseFeed(fixture('astanatimes-feed.xml'), outlet);
  const byGuid = (p: number) => parsed.articles.find((a) => a.id === `https://astanatimes.com/?p=${p}`)!;

  it('reads every item in feed order', () => {
    expect(parsed.title).toBe('The Astana Times');
    expect(parsed.skipped).toEqual([]);
    expect(parsed.articles.map((a) => a.id)).toEqual(
      [220105, 220098, 220071, 220040, 220012, 219998, 219980].map((p) => `https://astanatimes.com/?p=${p}`),
    );
  });

  it('normalizes the article based on the example to exactly this', () => {
    expect(byGuid(220040)).toEqual({
      id: 'https://astanatimes.com/?p=220040',
      feedId: 'astanatimes',
      link: 'https://astanatimes.com/2024/05/kazakhstan-us-maintain-constructive-dialogue-on-human-rights-democratic-reforms/',
      linkKey: 'https://astanatimes.com/2024/05/kazakhstan-us-maintain-constructive-dialogue-on-human-rights-democratic-reforms',
      title: 'Kazakhstan, US Maintain Constructive Dialogue on Human Rights, Democratic Reforms',
      summary:
        'ASTANA – Assistant to the President of Kazakhstan for International Affairs Erzhan Kazykhan and U.S. Under Secretary of State for Civilian Security, Democracy, and Human Rights Uzra Zeya co-chaired the third meeting of the annual High-Level Dialogue on Human Rights and Democratic Reforms between Kazakhstan and the United States on May 20, reported the Foreign Ministry’s press service.',
      categories: ['Nation', 'human rights', 'Kazakhstan-US relations', 'C5+1'],
      author: 'Staff Report',
      publishedAt: '2024-05-21T11:20:31.000Z',
      imageUrl: 'https://astanatimes.com/wp-content/uploads/2024/05/human-rights-dialogue.jpg',
    });
  });

  it('decodes entities and strips tags in an entity-heavy title; trims, dedupes and drops empty categories', () => {
    expect(byGuid(220105)).toMatchObject({
      title: '“New Kazakhstan” & the C5+1: AT&T’s bold bet',
      categories: ['Business', 'Business & Economy', 'C5+1'],
      author: 'Aruzhan Sarsenova',
    });
    expect(byGuid(220105).imageUrl).toBeUndefined();
  });

  it('keeps Cyrillic names intact and skips the leading photo credit', () => {
    expect(byGuid(220098)).toMatchObject({
      title: 'Tokayev (Тоқаев) Chairs Foreign Investors Council Meeting in Astana',
      summary:
        'ASTANA – President Kassym-Jomart Tokayev (Қасым-Жомарт Тоқаев) chaired the 35th plenary session of the Foreign Investors Council on May 21, calling on investors to take part in the modernization of the country’s energy and transport infrastructure.',
      imageUrl: 'https://astanatimes.com/wp-content/uploads/2024/05/FIC-plenary-1024x683.jpg',
    });
  });

  it('skips captions and figures, resolving a relative image against the article link', () => {
    expect(byGuid(220071)).toMatchObject({
      summary: 'ALMATY – Three new stations of the Almaty metro opened to passengers on May 20, extending the line into the city’s western districts.',
      imageUrl: 'https://astanatimes.com/wp-content/uploads/2024/05/almaty-metro-1024x576.jpg',
    });
    expect(byGuid(220012)).toMatchObject({
      summary: 'ASTANA – Climate finance and the energy transition in Central Asia will top the agenda of this year’s Astana International Forum, the organizers announced on May 20.',
      imageUrl: 'https://astanatimes.com/wp-content/uploads/2024/05/aif-2024-1024x683.jpg',
      linkKey: 'https://astanatimes.com/2024/05/astana-international-forum-to-focus-on-climate-finance',
    });
  });

  it('falls back to a plain description and to media:thumbnail', () => {
    expect(byGuid(219998)).toMatchObject({
      summary: 'Kazakhstan’s national wrestling team won one gold, one silver and two bronze medals at the Asian Championships in Bishkek, the National Olympic Committee reported.',
      imageUrl: 'https://astanatimes.com/wp-content/uploads/2024/05/wrestling-300x200.jpg',
    });
  });

  it('never lets a credit, caption, footer or "appeared first" line into a summary', () => {
    for (const article of parsed.articles) {
      expect(article.summary).not.toMatch(/Photo|stories sent directly|Sign up|appeared first|Read more|Continue reading|\[…\]/);
      expect(article.summary).toMatch(/^[A-Z]/);
    }
  });
});

describe('parseFeed on real-world breakage', async () => {
  const parsed = await parseFeed(fixture('edge-cases.xml'), { id: 'edge', url: 'https://news.example.kz/feed/' });

  it('survives raw ampersands, HTML entities, control characters and whitespace before the declaration', () => {
    expect(parsed.title).toBe('Edge cases & broken bits');
    expect(parsed.articles[0]).toEqual({
      id: 'edge-1',
      feedId: 'edge',
      link: 'https://news.example.kz/qa?id=1&ref=rss&utm_source=feed',
      linkKey: 'https://news.example.kz/qa?id=1&ref=rss',
      title: 'Raw ampersands: Q&A with AT&T and élan',
      summary: 'Plain text with a raw & and a control character.',
      categories: ['Q&A'],
      imageUrl: 'https://news.example.kz/img/qa.jpg',
    });
  });

  it('resolves a relative link against the feed URL and uses the link key as id when there is no guid', () => {
    expect(parsed.articles[1]).toEqual({
      id: 'https://news.example.kz/2024/05/relative',
      feedId: 'edge',
      link: 'https://news.example.kz/2024/05/relative/',
      linkKey: 'https://news.example.kz/2024/05/relative',
      title: 'Relative link, no guid',
      summary: 'Lead with a relative image.',
      categories: [],
      author: 'Aruzhan Sarsenova',
      publishedAt: '2024-05-21T06:20:31.000Z',
      imageUrl: 'https://news.example.kz/img/relative.png',
    });
  });

  it('uses a guid that is a URL as the link, and picks the image media:content over video and avatars', () => {
    expect(parsed.articles[2]).toMatchObject({
      id: 'https://news.example.kz/2024/05/guid-only/',
      link: 'https://news.example.kz/2024/05/guid-only/',
      summary: 'Escaped HTML description of the story.',
      imageUrl: 'https://news.example.kz/img/photo',
    });
  });

  it('skips items without a title or any usable link, saying why; an item repeating an id is the same article', () => {
    expect(parsed.articles).toHaveLength(3);
    expect(parsed.skipped).toEqual([
      { link: 'https://news.example.kz/2024/05/no-title/', reason: 'no title' },
      { title: 'No link and a guid that is not a URL', reason: 'no link' },
    ]);
  });

  it('names a javascript: link as unsafe', async () => {
    const rss = '<rss version="2.0"><channel><title>t</title><item><title>Click me</title><link>javascript:alert(1)</link></item></channel></rss>';
    const { articles, skipped } = await parseFeed(rss, { id: 'x', url: 'https://news.example.kz/feed/' });
    expect(articles).toEqual([]);
    expect(skipped).toEqual([{ title: 'Click me', link: 'javascript:alert(1)', reason: 'unsafe link' }]);
  });

  it('resolves relative links against the channel link when the feed is a local file', async () => {
    const local = await parseFeed(fixture('edge-cases.xml'), { id: 'edge', url: '/srv/feeds/edge-cases.xml' });
    expect(local.articles[1]?.link).toBe('https://news.example.kz/2024/05/relative/');
  });
});

describe('parseFeed on other formats', () => {
  it('reads Atom: alternate link, id, html content, category terms; drops an invalid date instead of failing', async () => {
    const atom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Atom &amp;amp; friends</title>
  <entry>
    <title type="html">Tokayev &lt;i&gt;(Тоқаев)&lt;/i&gt; speaks</title>
    <link rel="alternate" href="https://news.example.kz/atom/1"/>
    <link rel="enclosure" href="https://news.example.kz/atom/1.mp3"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <published>sometime in May</published>
    <updated>2024-05-22T09:30:00+05:00</updated>
    <author><name>Staff Report</name></author>
    <category term="Nation"/><category term="Politics"/>
    <summary>Short summary.</summary>
    <content type="html">&lt;p&gt;Photo: Akorda&lt;/p&gt;&lt;p&gt;The full lead of the story.&lt;/p&gt;</content>
  </entry>
</feed>`;
    const parsed = await parseFeed(atom, { id: 'atom', url: 'https://news.example.kz/atom.xml' });
    expect(parsed).toEqual({
      title: 'Atom & friends',
      skipped: [],
      articles: [
        {
          id: 'urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a',
          feedId: 'atom',
          link: 'https://news.example.kz/atom/1',
          linkKey: 'https://news.example.kz/atom/1',
          title: 'Tokayev (Тоқаев) speaks',
          summary: 'The full lead of the story.',
          categories: ['Nation', 'Politics'],
          author: 'Staff Report',
          publishedAt: '2024-05-22T04:30:00.000Z',
        },
      ],
    });
  });

  it('reads RSS 1.0 and RSS 0.91, and an <rss> without a version', async () => {
    const rdf = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://news.example.kz/"><title>RDF</title><link>https://news.example.kz/</link></channel>
<item rdf:about="https://news.example.kz/rdf/1"><title>RDF item</title><link>https://news.example.kz/rdf/1</link><dc:date>2024-05-20T08:00:00Z</dc:date><dc:creator>Staff Report</dc:creator></item>
</rdf:RDF>`;
    expect((await parseFeed(rdf, outlet)).articles).toMatchObject([
      { id: 'https://news.example.kz/rdf/1', title: 'RDF item', author: 'Staff Report', publishedAt: '2024-05-20T08:00:00.000Z' },
    ]);
    for (const version of [' version="0.91"', '']) {
      const rss = `<rss${version}><channel><title>Old</title><item><title>Old item</title><link>https://news.example.kz/old</link></item></channel></rss>`;
      expect((await parseFeed(rss, outlet)).articles.map((a) => a.title)).toEqual(['Old item']);
    }
  });
});

describe('parseFeed failures', () => {
  it.each([
    ['a truncated feed', '<?xml version="1.0"?><rss version="2.0"><channel><title>Cut', /https:\/\/astanatimes\.com\/feed\/ has malformed XML \(Unclosed root tag.*\): the feed is broken or was cut off; Herald will retry at the next poll$/],
    ['an HTML page', '<!DOCTYPE html><html><head><title>Just a moment…</title></head><body></body></html>', /https:\/\/astanatimes\.com\/feed\/ is not a feed: it is an HTML page; check the feed's url in the config$/],
    ['JSON', '{"version":"https://jsonfeed.org/version/1.1"}', /is not a feed: it does not start with "<" but with "\{\\"version\\":\\"https:\/\/"; check the feed's url in the config$/],
    ['an empty document', '  \n ', /is not a feed: the document is empty/],
    ['a document with no root element', '<?xml version="1.0"?><!-- nothing here -->', /is not a feed: it has no root element/],
    ['an unknown root element', '<?xml version="1.0"?><opml version="2.0"><body/></opml>', /is not an RSS or Atom feed \(no <rss>, <rdf:RDF> or <feed> root element\)/],
    ['an <rss> without a <channel>', '<rss version="2.0"><item><title>x</title></item></rss>', /is not a usable feed: its structure is not RSS or Atom/],
  ])('fails %s with a FeedError naming the feed', async (_name, text, message) => {
    const err = await parseError(text);
    expect(err.message).toMatch(/^feed astanatimes: /);
    expect(err.message).toMatch(message);
  });
});
