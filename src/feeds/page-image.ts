/**
 * The article page's own picture (`og:image`, else `twitter:image`) for an article whose
 * feed gives none: fetched within the feed's limits (timeout, size cap), at most once per
 * article, the answer — even "none" — kept in a PageImageCache.
 */
import { Parser } from 'htmlparser2';
import type { Article } from '../article.ts';
import { isArticleImage } from './image.ts';
import { normalizeLink } from './link.ts';
import type { PageImageCache } from './page-image-cache.ts';

export interface PageLimits {
  timeoutSeconds: number;
  maxBytes: number;
}

const IMAGE_PROPERTIES = ['og:image:secure_url', 'og:image', 'og:image:url', 'twitter:image', 'twitter:image:src'];

/** The page's declared image as an absolute URL, or null (no such meta, not an article image, not an HTML page). */
export async function fetchPageImage(pageUrl: string, limits: PageLimits): Promise<string | null> {
  const res = await fetch(pageUrl, { redirect: 'follow', signal: AbortSignal.timeout(limits.timeoutSeconds * 1000), headers: { accept: 'text/html' } });
  if (!res.ok || !res.body || !/html/i.test(res.headers.get('content-type') ?? '')) {
    await res.body?.cancel();
    return null;
  }
  // The meta tags are in the head: what lies past the size cap is not read at all.
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  for (let size = 0; size < limits.maxBytes; ) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel();
  const html = Buffer.concat(chunks).subarray(0, limits.maxBytes).toString('utf8');
  const found = declaredImage(html);
  const url = found === undefined ? undefined : normalizeLink(found, res.url || pageUrl);
  return url && isArticleImage(url.absolute) ? url.absolute : null;
}

function declaredImage(html: string): string | undefined {
  const declared = new Map<string, string>();
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name !== 'meta') return;
        const key = (attributes.property ?? attributes.name ?? '').toLowerCase();
        const content = attributes.content?.trim();
        if (content && IMAGE_PROPERTIES.includes(key) && !declared.has(key)) declared.set(key, content);
      },
      onclosetag(name) {
        if (name === 'head') parser.pause();
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return IMAGE_PROPERTIES.map((key) => declared.get(key)).find((value) => value !== undefined);
}

/**
 * The article with the page's image when the feed gave none. A page that cannot be
 * fetched counts as having no image: the post goes out without one, and is not retried.
 */
export async function withPageImage(
  article: Article,
  deps: { cache: PageImageCache; limits: PageLimits; now: number; fetchImageUrl?: typeof fetchPageImage },
): Promise<Article> {
  if (article.imageUrl !== undefined) return article;
  let imageUrl = await deps.cache.get(article.linkKey);
  if (imageUrl === undefined) {
    imageUrl = await (deps.fetchImageUrl ?? fetchPageImage)(article.link, deps.limits).catch(() => null);
    await deps.cache.put(article.linkKey, imageUrl, deps.now);
  }
  return imageUrl === null ? article : { ...article, imageUrl };
}
