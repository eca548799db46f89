/** The feeds a web page announces: its `<link rel="alternate">` elements of a feed type. */
import { Parser } from 'htmlparser2';

export interface DiscoveredFeed {
  url: string;
  title?: string;
}

const FEED_TYPES = /^application\/(?:rss|atom|rdf|feed)\+(?:xml|json)$|^application\/(?:rss|atom)$|^text\/xml$/i;

export function discoverFeeds(html: string, pageUrl: string): DiscoveredFeed[] {
  let base = pageUrl;
  const found: DiscoveredFeed[] = [];
  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === 'base' && attrs.href) base = resolve(attrs.href, pageUrl) ?? base;
      if (name !== 'link' || !attrs.href || !attrs.type) return;
      const rel = (attrs.rel ?? '').toLowerCase().split(/\s+/);
      if (!rel.includes('alternate') || !FEED_TYPES.test(attrs.type.trim())) return;
      const url = resolve(attrs.href, base);
      if (!url || found.some((f) => f.url === url)) return;
      const title = attrs.title?.trim();
      found.push({ url, ...(title ? { title } : {}) });
    },
  });
  parser.end(html);
  return found;
}

function resolve(href: string, base: string): string | undefined {
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
