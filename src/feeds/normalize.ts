/**
 * One rss-parser item → an Article. Feeds put anything anywhere (objects where strings
 * are expected, whitespace around values, relative links), so every field is read as
 * `unknown` and checked.
 */
import type { Article, ArticleIdentity } from '../article.ts';
import { articleLink } from './article-link.ts';
import { leadOf } from './lead.ts';
import { normalizeLink } from './link.ts';
import { isoDate } from './date.ts';
import { collapseWhitespace, plainText, unescapedMarkup } from './html-text.ts';
import { declaredPixels, firstImage, isArticleImage, isDeclaredTooSmall } from './image.ts';
import { imageAltOf } from './image-alt.ts';
import { repairMojibake } from './mojibake.ts';

/** An item as rss-parser returns it with the custom fields parse.ts asks for. */
export interface RawItem {
  title?: unknown;
  link?: unknown;
  /** `feedburner:origLink`. */
  origLink?: unknown;
  /** Every `<link>` element as parsed: Atom links carry `$.rel` and `$.href`. */
  links?: unknown;
  /** The `<guid>` element with its attributes (`isPermaLink`). */
  guidElement?: unknown;
  guid?: unknown;
  /** Atom `<id>`. */
  id?: unknown;
  /** RSS `<description>`, or Atom `<content>`. */
  content?: unknown;
  'content:encoded'?: unknown;
  /** Atom `<summary>`. */
  summary?: unknown;
  creator?: unknown;
  author?: unknown;
  categories?: unknown;
  atomCategories?: unknown;
  isoDate?: unknown;
  pubDate?: unknown;
  /** dc:date. */
  date?: unknown;
  enclosure?: unknown;
  mediaContent?: unknown;
  mediaThumbnail?: unknown;
  mediaGroup?: unknown;
}

/** Every field of RawItem, so that nothing else rss-parser makes of an item (snippets, duplicates) is kept or sent between threads. */
const RAW_ITEM_FIELDS: Record<keyof RawItem, true> = {
  title: true,
  link: true,
  origLink: true,
  links: true,
  guidElement: true,
  guid: true,
  id: true,
  content: true,
  'content:encoded': true,
  summary: true,
  creator: true,
  author: true,
  categories: true,
  atomCategories: true,
  isoDate: true,
  pubDate: true,
  date: true,
  enclosure: true,
  mediaContent: true,
  mediaThumbnail: true,
  mediaGroup: true,
};
const RAW_ITEM_KEYS = Object.keys(RAW_ITEM_FIELDS) as (keyof RawItem)[];

/** The fields of an rss-parser item that Herald reads. */
export function rawItemOf(item: Record<string, unknown>): RawItem {
  const raw: RawItem = {};
  for (const key of RAW_ITEM_KEYS) if (item[key] !== undefined) raw[key] = item[key];
  return raw;
}

export interface FeedContext {
  feedId: string;
  /** Where relative links resolve: the feed's own URL, else the site it links to. */
  base?: string;
}

/**
 * A feed item as listed: its identity, read at once, and the whole Article (lead, image,
 * categories, author: most of the cost of reading an item), read when first asked for.
 */
export interface ListedArticle extends ArticleIdentity {
  article(): Article;
}

/** The item's identity, or undefined when it has no usable title or link. */
export function identify(item: RawItem, context: FeedContext): ArticleIdentity | undefined {
  const titleSource = textOf(item.title);
  const title = titleSource === undefined ? '' : text(titleSource);
  if (!title) return undefined;
  const guid = textOf(item.guid)?.trim() || textOf(item.id)?.trim() || undefined;
  const link = linkOf(item, guid, context.base);
  if (!link) return undefined;
  const publishedAt = firstFound([item.pubDate, item.date, item.isoDate].map(textOf), isoDate);
  return {
    id: guid ?? link.key,
    feedId: context.feedId,
    link: link.absolute,
    linkKey: link.key,
    title,
    ...(publishedAt ? { publishedAt } : {}),
  };
}

/** The listed article, read from its item (`item()`, asked for once) when first asked for. */
export function lazyArticle(identity: ArticleIdentity, item: () => RawItem): ListedArticle {
  let article: Article | undefined;
  return { ...identity, article: () => (article ??= readArticle(item(), identity)) };
}

/** The Article, or undefined when the item has no usable title or link. */
export function normalizeItem(item: RawItem, context: FeedContext): Article | undefined {
  const identity = identify(item, context);
  return identity && readArticle(item, identity);
}

function readArticle(item: RawItem, identity: ArticleIdentity): Article {
  const { title, publishedAt } = identity;
  const html = [item['content:encoded'], item.content, item.summary].map((value) => {
    const source = textOf(value);
    return source === undefined ? undefined : unescapedMarkup(source);
  });
  const author = firstFound([item.creator, item.author].map(textOf), text);
  const image = imageOf(item, html, identity.link);
  const imageAlt = image && imageAltOf(image, title);
  return {
    id: identity.id,
    feedId: identity.feedId,
    link: identity.link,
    linkKey: identity.linkKey,
    title,
    summary: leadOf({ title, html, ...mediaDescriptionOf(item) }),
    categories: categoriesOf(item),
    ...(author ? { author } : {}),
    ...(publishedAt ? { publishedAt } : {}),
    ...(image ? { imageUrl: image.url } : {}),
    ...(imageAlt ? { imageAlt } : {}),
  };
}

/** Plain text of a title, a name or a category, with double-decoded UTF-8 repaired. */
function text(html: string): string {
  return repairMojibake(plainText(html));
}

/** The article's own link (not a FeedBurner or feedproxy redirect), else the guid as a link. */
function linkOf(item: RawItem, guid: string | undefined, base: string | undefined) {
  const alternates = asArray(item.links)
    .map(attributesOf)
    .filter((a) => a.rel === undefined || a.rel === 'alternate')
    .map((a) => a.href)
    .filter((href): href is string => typeof href === 'string');
  const guidElement = asArray(item.guidElement)[0];
  const permalink = attributesOf(guidElement).isPermaLink !== 'false' ? textOf(guidElement)?.trim() : undefined;
  const link = articleLink(
    {
      ...optional('link', textOf(item.link)),
      ...optional('origLink', textOf(asArray(item.origLink)[0])?.trim()),
      alternates,
      ...optional('permalinkGuid', permalink && /^https?:\/\//i.test(permalink) ? permalink : undefined),
    },
    base,
  );
  return link ?? (guid ? normalizeLink(guid) : undefined);
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** The first non-empty string `read` makes of the texts, reading them in order only as far as needed. */
function firstFound(texts: (string | undefined)[], read: (text: string) => string | undefined): string | undefined {
  for (const text of texts) {
    const found = text === undefined ? undefined : read(text);
    if (found) return found;
  }
  return undefined;
}

/** A string, or the text of an element xml2js returned as `{_: text, $: attributes}`. */
export type SkipReason = 'no link' | 'unsafe link' | 'no title';

/** Why `normalizeItem` found no Article in the item. */
export function whySkipped(item: RawItem, context: FeedContext): SkipReason {
  const titleSource = textOf(item.title);
  if (!(titleSource === undefined ? '' : plainText(titleSource))) return 'no title';
  const links = [textOf(item.link), textOf(item.guid), textOf(item.id)].map((l) => l?.trim()).filter((l): l is string => !!l);
  const unsafe = links.some((l) => /^[a-z][a-z0-9+.-]*:/i.test(l) && !/^https?:/i.test(l) && normalizeLink(l, context.base) === undefined);
  return unsafe ? 'unsafe link' : 'no link';
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && '_' in value && typeof value._ === 'string') return value._;
  return undefined;
}

function attributesOf(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && '$' in value && value.$ && typeof value.$ === 'object') {
    return value.$ as Record<string, unknown>;
  }
  return {};
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function categoriesOf(item: RawItem): string[] {
  const names = [
    ...asArray(item.categories).map(textOf),
    ...asArray(item.atomCategories).map((c) => textOf(attributesOf(c).term)),
  ];
  const unique = new Set<string>();
  for (const name of names) {
    const category = name === undefined ? '' : text(name);
    if (category) unique.add(category);
  }
  return [...unique];
}

const IMAGE_EXTENSION = /\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])/i;

interface ImageCandidate {
  url: unknown;
  width?: number;
  height?: number;
  mediaDescription?: string;
  alt?: string;
  caption?: string;
}

interface ChosenImage {
  url: string;
  mediaDescription?: string;
  alt?: string;
  caption?: string;
}

/** The largest declared Media RSS image, a thumbnail, an image enclosure, else the first article <img> in the HTML. */
function imageOf(item: RawItem, html: (string | undefined)[], base: string): ChosenImage | undefined {
  for (const candidate of imageCandidates(item, html)) {
    if (typeof candidate.url !== 'string' || isDeclaredTooSmall(candidate.width, candidate.height)) continue;
    const url = normalizeLink(collapseWhitespace(candidate.url), base);
    if (!url || !isArticleImage(url.absolute)) continue;
    const { mediaDescription, alt, caption } = candidate;
    return { url: url.absolute, ...(mediaDescription && { mediaDescription }), ...(alt && { alt }), ...(caption && { caption }) };
  }
  return undefined;
}

/** The item's images in order of preference, each looked for only once the ones before it failed. */
function* imageCandidates(item: RawItem, html: (string | undefined)[]): Generator<ImageCandidate> {
  const groups = asArray(item.mediaGroup);
  const media = [...asArray(item.mediaContent), ...groups.flatMap((g) => asArray(field(g, 'media:content')))]
    .filter((m) => isImageMedia(attributesOf(m)))
    .map(mediaCandidate);
  yield* largestFirst(media);
  const thumbnails = [...asArray(item.mediaThumbnail), ...groups.flatMap((g) => asArray(field(g, 'media:thumbnail')))].map(mediaCandidate);
  yield* largestFirst(thumbnails);
  const enclosure = item.enclosure && typeof item.enclosure === 'object' ? (item.enclosure as Record<string, unknown>) : {};
  if (isImageMedia(enclosure)) yield { url: enclosure.url };
  for (const source of html) {
    const image = source === undefined ? undefined : firstImage(source);
    if (image) yield { url: image.src, ...(image.alt && { alt: image.alt }), ...(image.caption && { caption: image.caption }) };
  }
}

function mediaCandidate(media: unknown): ImageCandidate {
  const attributes = attributesOf(media);
  const width = declaredPixels(attributes.width);
  const height = declaredPixels(attributes.height);
  const description = textOf(asArray(field(media, 'media:description'))[0])?.trim();
  return {
    url: attributes.url,
    ...(width !== undefined && { width }),
    ...(height !== undefined && { height }),
    ...(description && { mediaDescription: description }),
  };
}

/** Sorted by declared area, largest first; images without a declared size keep their place after them. */
function largestFirst(candidates: ImageCandidate[]): ImageCandidate[] {
  const area = (c: ImageCandidate) => (c.width ?? 0) * (c.height ?? 0);
  return [...candidates].sort((a, b) => area(b) - area(a));
}

/** YouTube's Atom puts the video's description in media:group/media:description. */
function mediaDescriptionOf(item: RawItem): { mediaDescription?: string } {
  const description = textOf(asArray(field(asArray(item.mediaGroup)[0], 'media:description'))[0]);
  return description ? { mediaDescription: description } : {};
}

function field(value: unknown, name: string): unknown {
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}

function isImageMedia(attributes: Record<string, unknown>): boolean {
  const { medium, type, url } = attributes;
  if (typeof url !== 'string') return false;
  if (typeof medium === 'string') return medium === 'image';
  if (typeof type === 'string' && type !== '') return type.startsWith('image/');
  return IMAGE_EXTENSION.test(url);
}
