/**
 * Finding the article's picture, not a lazy-loading placeholder, a tracking pixel, an
 * author avatar or a share button.
 */
import { Parser } from 'htmlparser2';

const NOT_ARTICLE_IMAGES = [
  /\/\/feeds\.feedburner\.com\/~/i,
  /\/\/[^/]*\bpheedo\.com\//i,
  /\/\/[^/]*\bgravatar\.com\/avatar\//i,
  /\/\/(?:pixel|stats)\.wp\.com\//i,
  /\/(?:facebook|twitter|email|print|share|digg|reddit)[-_]?(?:icon|button)?\.(?:gif|png)(?:$|\?)/i,
];

export function isArticleImage(url: string): boolean {
  return !NOT_ARTICLE_IMAGES.some((re) => re.test(url));
}

/** The source of the first article image in the HTML, as written (possibly relative). */
export function firstImageSource(html: string): string | undefined {
  let found: string | undefined;
  const parser = new Parser({
    onopentag(name, attributes) {
      if (found !== undefined || name !== 'img' || isTrackingPixel(attributes)) return;
      found = [attributes.src, attributes['data-src'], attributes['data-lazy-src']].find(
        (src) => src !== undefined && src.trim() !== '' && !/^\s*data:/i.test(src) && isArticleImage(src),
      );
    },
  });
  parser.end(html);
  return found;
}

function isTrackingPixel(attributes: Record<string, string>): boolean {
  const tiny = (size: string | undefined) => size !== undefined && /^\s*[01](?:px)?\s*$/.test(size);
  return tiny(attributes.width) || tiny(attributes.height) || /display\s*:\s*none/i.test(attributes.style ?? '');
}
