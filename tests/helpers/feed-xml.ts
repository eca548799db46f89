/** WordPress-style RSS 2.0 in the outlet's manner, generated for tests that need many or changing items. */
export interface FeedItem {
  n: number;
  title?: string;
  guid?: string;
  link?: string;
  pubDate?: Date;
  image?: string;
  categories?: string[];
  /** The first paragraph of the story (default: one naming the item). */
  lead?: string;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function itemLink(n: number): string {
  return `https://astanatimes.com/2024/05/story-${n}/`;
}

export function rssFeed(items: FeedItem[], base = 'https://astanatimes.com'): string {
  const body = items
    .map((it) => {
      const title = it.title ?? `Kazakhstan and partners sign agreement number ${it.n}`;
      const cats = (it.categories ?? ['Nation', 'Business']).map((c) => `<category><![CDATA[${c}]]></category>`).join('');
      const image = it.image ? `<media:content url="${escape(it.image)}" medium="image" />` : '';
      return `<item>
  <title>${escape(title)}</title>
  <link>${escape(it.link ?? itemLink(it.n))}</link>
  <dc:creator><![CDATA[Aida Haidar]]></dc:creator>
  <pubDate>${(it.pubDate ?? new Date(Date.now() - (1000 - it.n) * 60_000)).toUTCString()}</pubDate>
  ${cats}
  <guid isPermaLink="false">${escape(it.guid ?? `${base}/?p=${1000 + it.n}`)}</guid>
  <description><![CDATA[ASTANA – Story ${it.n} lead sentence about the agreement. [&#8230;]]]></description>
  <content:encoded><![CDATA[<p>${escape(it.lead ?? `ASTANA – The lead paragraph of story ${it.n}: officials met in the capital on Monday to sign the agreement.`)}</p>
<p>Photo credit: Kazakh Foreign Ministry</p>
<p>More details of story ${it.n} follow in this second paragraph.</p>
<p>Get The Astana Times stories sent directly to you! Sign up via the website or subscribe to our Twitter, Facebook, Instagram, Telegram, YouTube and Tiktok!</p>]]></content:encoded>
  ${image}
</item>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>The Astana Times</title>
  <link>${base}</link>
  <description>News from Kazakhstan</description>
${body}
</channel>
</rss>
`;
}
