/**
 * Finding the article's picture, not a lazy-loading placeholder, a tracking pixel, an
 * emoji, an icon, an author avatar or a share button: by URL pattern and by declared size.
 * (The adapters check the bytes too before uploading, see adapters/fetch-image.ts.)
 */
import { Parser } from 'htmlparser2';
import { collapseWhitespace } from './html-text.ts';

const NOT_ARTICLE_IMAGES = [
  /\/\/feeds\.feedburner\.com\/~/i,
  /\/~r\/[^/]+\/~4\//i,
  /\/\/[^/]*\bpheedo\.com\//i,
  /\/\/[^/]*\bgravatar\.com\/(?:avatar|blavatar)\//i,
  /\/\/(?:pixel|stats)\.wp\.com\//i,
  // WordPress emoji and smilies.
  /\/\/s\.w\.org\/images\/core\/emoji\//i,
  /\/wp-includes\/images\/smilies\//i,
  // FeedPress and similar trackers: /link/1234/5678.gif
  /\/link\/\d+\/\d+\.gif(?:$|\?)/i,
  /\/\/[^/]*(?:doubleclick\.net|googlesyndication\.com|google-analytics\.com|scorecardresearch\.com|quantserve\.com)\//i,
  /\/(?:avatars?|icons?|emoji|emojis|smilies|badges?)\//i,
  /\/(?:favicon|spacer|blank|pixel|transparent|1x1|clear)\.(?:gif|png|ico)(?:$|\?)/i,
  /\/(?:facebook|twitter|email|print|share|digg|reddit|stumbleit|linkedin|whatsapp|telegram)[-_]?(?:icon|button)?\.(?:gif|png|svg)(?:$|\?)/i,
];

/** An image declared smaller than this on either side is an icon, a badge or a pixel. */
const MIN_SIDE = 100;

export function isArticleImage(url: string): boolean {
  return !NOT_ARTICLE_IMAGES.some((re) => re.test(url));
}

/** Declared pixel size, when the markup gives one ("640", "640px"; "100%" gives none). */
export function declaredPixels(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+)\s*(?:px)?\s*$/i.exec(value);
  return m ? Number(m[1]) : undefined;
}

/** Whether the declared size (either side may be missing) is too small for an article image. */
export function isDeclaredTooSmall(width: number | undefined, height: number | undefined): boolean {
  return (width !== undefined && width < MIN_SIDE) || (height !== undefined && height < MIN_SIDE);
}

export interface HtmlImage {
  /** As written (possibly relative). */
  src: string;
  alt?: string;
  /** The caption of the figure (or WordPress caption box) the image sits in. */
  caption?: string;
}

const CAPTION_CONTAINER = /(?:^|\s)(?:wp-caption|wp-block-image)(?:\s|$)/;
const CAPTION_TEXT = /(?:^|\s)wp-caption-text(?:\s|$)/;

/** The first article image in the HTML with its alt text and caption. */
export function firstImage(html: string): HtmlImage | undefined {
  let found: HtmlImage | undefined;
  let caption = '';
  let containerDepth = 0;
  let captionDepth = 0;
  let depth = 0;
  let done = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        depth += 1;
        if (done) return;
        if (name === 'figure' || CAPTION_CONTAINER.test(attributes.class ?? '')) containerDepth ||= depth;
        if (found && containerDepth && (name === 'figcaption' || CAPTION_TEXT.test(attributes.class ?? ''))) captionDepth ||= depth;
        if (found || name !== 'img' || isDeclaredTooSmall(declaredPixels(attributes.width), declaredPixels(attributes.height))) return;
        if (/display\s*:\s*none/i.test(attributes.style ?? '')) return;
        const src = [attributes.src, attributes['data-src'], attributes['data-lazy-src']].find(
          (s) => s !== undefined && s.trim() !== '' && !/^\s*data:/i.test(s) && isArticleImage(s),
        );
        if (src === undefined) return;
        const alt = collapseWhitespace(attributes.alt ?? '');
        found = { src, ...(alt && { alt }) };
        if (!containerDepth) done = true;
      },
      ontext(text) {
        if (!done && captionDepth) caption += text;
      },
      onclosetag() {
        if (depth === captionDepth) captionDepth = 0;
        if (depth === containerDepth) {
          containerDepth = 0;
          if (found) done = true;
        }
        depth -= 1;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  const text = collapseWhitespace(caption);
  return found && (text ? { ...found, caption: text } : found);
}
