/**
 * Deterministic material in the outlet's style (The Astana Times): long leads, Kazakh and
 * Russian words, the odd emoji, WordPress RSS with `content:encoded`, a photo credit and
 * the newsletter footer. Used by the benchmark and its loopback feed server.
 */
import type { Article } from '../src/article.ts';

/** Small seeded PRNG (mulberry32): the same numbers on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;

const PLACES = ['ASTANA', 'ALMATY', 'SHYMKENT', 'AKTAU', 'TURKISTAN', 'KARAGANDA'];
const ACTORS = [
  'Assistant to the President of Kazakhstan for International Affairs Erzhan Kazykhan',
  'Deputy Foreign Minister Roman Vassilenko',
  'the Ministry of Digital Development, Innovation and Aerospace Industry',
  'Prime Minister Olzhas Bektenov',
  'the Agency for Strategic Planning and Reforms',
  'Samruk-Kazyna, the national welfare fund,',
];
const ACTIONS = [
  'co-chaired the third meeting of the annual High-Level Dialogue on human rights and democracy',
  'signed a memorandum on the Trans-Caspian International Transport Route with partners from Azerbaijan and Georgia',
  'presented a plan to modernize 11,000 kilometers of regional roads by 2029',
  'discussed water management in the Aral Sea basin with counterparts from Uzbekistan',
  'announced a $1.2 billion investment in wind and solar capacity in the Zhambyl region',
  'met representatives of the Qazaqstan Halqyna fund to review charity projects',
];
const DETAILS = [
  'The parties agreed to expand cooperation in education, digitalization and the rule of law.',
  'Officials said the first phase would be completed by the end of the year, according to the press service.',
  'The initiative follows the President’s address to the nation, in which he called for “a fair Kazakhstan” («Әділетті Қазақстан»).',
  'Local residents welcomed the decision 👍🏽, though some experts warned about the cost.',
  'The event gathered more than 300 participants from 25 countries 🇰🇿🤝🌍.',
  'According to the Bureau of National Statistics, the figure rose by 5.1% in the first quarter.',
  'Жиналысқа облыс әкімі мен кәсіпкерлер қатысты, said the regional administration in a statement.',
  '«Мы открыты для сотрудничества», — отметил министр в ходе пресс-конференции.',
];
const TITLES = [
  'Kazakhstan, US Maintain Constructive Dialogue on Human Rights',
  'Astana Hosts Central Asia Investment Forum as Region Seeks New Trade Routes',
  'Қазақстан and EU Sign Roadmap on Critical Raw Materials',
  'Almaty Marathon Draws Record 25,000 Runners 🏃‍♀️🏃',
  'Government Unveils Plan to Build 100 New Schools in Rural Areas',
  '“New Kazakhstan” & the C5+1: AT&T’s Bold Bet on Regional Data Hubs',
  'Kazakh Scientists Develop Drought-Resistant Wheat Variety 🌾',
  'Президент провёл совещание по развитию агропромышленного комплекса',
];
const CATEGORIES = ['Nation', 'Business', 'Human Rights', 'Central Asia', 'Culture', 'Tech & Science', 'Қоғам', 'Экономика', 'Foreign Policy'];
const AUTHORS = ['Aida Haidar', 'Aruzhan Sarsenova', 'Dana Omirgazy', 'Zhanna Shayakhmetova', 'Assel Satubaldina'];
const CREDITS = ['Kazakh Foreign Ministry', 'Akorda press service', 'Astana Times', 'Shutterstock'];

function sentence(rng: () => number): string {
  const actor = pick(rng, ACTORS);
  return `${actor[0]!.toUpperCase()}${actor.slice(1)} ${pick(rng, ACTIONS)}. ${pick(rng, DETAILS)}`;
}

/** A lead paragraph of roughly `chars` characters: the outlet's dateline, then whole sentences. */
export function lead(rng: () => number, chars: number): string {
  let text = `${pick(rng, PLACES)} – ${pick(rng, ACTORS)} ${pick(rng, ACTIONS)}.`;
  while (text.length < chars) text += ` ${sentence(rng)}`;
  return text;
}

export interface OutletItem {
  n: number;
  title: string;
  lead: string;
  paragraphs: string[];
  categories: string[];
  author: string;
  link: string;
  guid: string;
  publishedAt: Date;
  imageUrl?: string;
}

/** Item `n` (unique across feeds), published at `publishedAt`. */
export function outletItem(n: number, publishedAt: Date): OutletItem {
  const rng = seeded(n + 1);
  const title = `${pick(rng, TITLES)} (${n})`;
  const categories = Array.from({ length: 2 + Math.floor(rng() * 3) }, () => pick(rng, CATEGORIES));
  return {
    n,
    title,
    lead: lead(rng, 200 + Math.floor(rng() * 500)),
    paragraphs: Array.from({ length: 3 + Math.floor(rng() * 3) }, () => sentence(rng)),
    categories,
    author: pick(rng, AUTHORS),
    link: `https://astanatimes.com/${publishedAt.getUTCFullYear()}/05/story-${n}/`,
    guid: `https://astanatimes.com/?p=${300_000 + n}`,
    publishedAt,
    ...(rng() < 0.75 && { imageUrl: `https://astanatimes.com/wp-content/uploads/2024/05/photo-${n}.jpg` }),
  };
}

/** The Article the pipeline would make of an item (for benchmarks that skip parsing). */
export function outletArticle(n: number, feedId: string, publishedAt: Date): Article {
  const item = outletItem(n, publishedAt);
  return {
    id: item.guid,
    feedId,
    link: item.link,
    linkKey: item.link.replace(/\/$/, ''),
    title: item.title,
    summary: item.lead,
    categories: item.categories,
    author: item.author,
    publishedAt: item.publishedAt.toISOString(),
    ...(item.imageUrl !== undefined && { imageUrl: item.imageUrl }),
  };
}

/** A summary of exactly `chars` characters that no platform limit lets through whole. */
export function hugeSummary(chars: number): string {
  const rng = seeded(20_000);
  let text = lead(rng, chars);
  if (text.length > chars) text = text.slice(0, chars);
  // Never end inside a surrogate pair.
  return /[\ud800-\udbff]$/.test(text) ? `${text.slice(0, -1)}.` : text;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const escapeHtml = escapeXml;

function itemXml(it: OutletItem): string {
  const postedOn = `<p>The post <a href="${escapeHtml(it.link)}">${escapeHtml(it.title)}</a> appeared first on <a href="https://astanatimes.com">The Astana Times</a>.</p>`;
  const body = [
    `<p>${escapeHtml(it.lead)}</p>`,
    `<p>Photo credit: ${pick(seeded(it.n), CREDITS)}</p>`,
    ...it.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    '<p>Get The Astana Times stories sent directly to you! Sign up via the website or subscribe to our <a href="https://twitter.com/TheAstanaTimes">Twitter</a>, <a href="https://www.facebook.com/astanatimes">Facebook</a>, <a href="https://www.instagram.com/astanatimes/">Instagram</a>, <a href="https://t.me/astanatimes">Telegram</a>, <a href="https://www.youtube.com/@TheAstanaTimes">YouTube</a> and <a href="https://www.tiktok.com/@astanatimes">Tiktok</a>!</p>',
    postedOn,
  ].join('\n');
  return `	<item>
		<title>${escapeXml(it.title)}</title>
		<link>${escapeXml(it.link)}</link>
		<comments>${escapeXml(it.link)}#respond</comments>
		<dc:creator><![CDATA[${it.author}]]></dc:creator>
		<pubDate>${it.publishedAt.toUTCString()}</pubDate>
${it.categories.map((c) => `		<category><![CDATA[${c}]]></category>`).join('\n')}
		<guid isPermaLink="false">${escapeXml(it.guid)}</guid>
		<description><![CDATA[<p>${escapeHtml(it.lead.slice(0, 200))} [&#8230;]</p>
${postedOn}]]></description>
		<content:encoded><![CDATA[${body}]]></content:encoded>
${it.imageUrl ? `		<media:content url="${escapeXml(it.imageUrl)}" medium="image" width="1200" height="800" />\n` : ''}	</item>`;
}

/** A WordPress RSS 2.0 feed of `items` distinct items, newest first, the newest published at `newest`. */
export function outletFeedXml(feedIndex: number, items: number, newest: number): string {
  const list = Array.from({ length: items }, (_, i) => outletItem(feedIndex * items + i, new Date(newest - i * 37 * 60_000)));
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:media="http://search.yahoo.com/mrss/"
	>
<channel>
	<title>The Astana Times – section ${feedIndex}</title>
	<link>https://astanatimes.com</link>
	<description>Kazakhstan news: politics, economy, culture, society and Central Asia</description>
	<language>en-US</language>
${list.map(itemXml).join('\n')}
</channel>
</rss>
`;
}
