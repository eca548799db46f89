/**
 * One rss-parser item → an Article. Feeds put anything anywhere (objects where strings
 * are expected, whitespace around values, relative links), so every field is read as
 * `unknown` and checked.
 */
import type { Article } from '../article.ts';
import { leadFromHtml } from './lead.ts';
import { normalizeLink } from './link.ts';
import { isoDate } from './date.ts';
import { collapseWhitespace, plainText } from './html-text.ts';
import { firstImageSource, isArticleImage } from './image.ts';

/** An item as rss-parser returns it with the custom fields parse.ts asks for. */
export interface RawItem {
  title?: unknown;
  link?: unknown;
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

export interface FeedContext {
  feedId: string;
  /** Where relative links resolve: the feed's own URL, else the site it links to. */
  base?: string;
}

/** The Article, or undefined when the item has no usable title or link. */
export function normalizeItem(item: RawItem, context: FeedContext): Article | undefined {
  const titleSource = textOf(item.title);
  const title = titleSource === undefined ? '' : plainText(titleSource);
  if (!title) return undefined;
  const guid = textOf(item.guid)?.trim() || textOf(item.id)?.trim() || undefined;
  const link = normalizeLink(textOf(item.link) ?? '', context.base) ?? (guid ? normalizeLink(guid) : undefined);
  if (!link) return undefined;

  const html = [item['content:encoded'], item.content, item.summary].map(textOf);
  const author = firstFound([item.creator, item.author].map(textOf), plainText);
  const publishedAt = firstFound([item.pubDate, item.date, item.isoDate].map(textOf), isoDate);
  const imageUrl = imageOf(item, html, link.absolute);
  return {
    id: guid ?? link.key,
    feedId: context.feedId,
    link: link.absolute,
    linkKey: link.key,
    title,
    summary: firstFound(html, leadFromHtml) ?? '',
    categories: categoriesOf(item),
    ...(author ? { author } : {}),
    ...(publishedAt ? { publishedAt } : {}),
    ...(imageUrl ? { imageUrl } : {}),
  };
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
    const text = name === undefined ? '' : plainText(name);
    if (text) unique.add(text);
  }
  return [...unique];
}

const IMAGE_EXTENSION = /\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])/i;

/** media:content (an image), media:thumbnail, an image enclosure, else the first <img> in the HTML. */
function imageOf(item: RawItem, html: (string | undefined)[], base: string): string | undefined {
  for (const candidate of imageCandidates(item, html)) {
    const url = typeof candidate === 'string' ? normalizeLink(collapseWhitespace(candidate), base) : undefined;
    if (url && isArticleImage(url.absolute)) return url.absolute;
  }
  return undefined;
}

/** The item's image URLs in order of preference, each looked for only once the ones before it failed. */
function* imageCandidates(item: RawItem, html: (string | undefined)[]): Generator<unknown> {
  const groups = asArray(item.mediaGroup);
  for (const media of [...asArray(item.mediaContent), ...groups.flatMap((g) => asArray(field(g, 'media:content')))]) {
    const attributes = attributesOf(media);
    if (isImageMedia(attributes)) yield attributes.url;
  }
  for (const thumbnail of [...asArray(item.mediaThumbnail), ...groups.flatMap((g) => asArray(field(g, 'media:thumbnail')))]) {
    yield attributesOf(thumbnail).url;
  }
  const enclosure = item.enclosure && typeof item.enclosure === 'object' ? (item.enclosure as Record<string, unknown>) : {};
  if (isImageMedia(enclosure)) yield enclosure.url;
  for (const source of html) if (source !== undefined) yield firstImageSource(source);
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
