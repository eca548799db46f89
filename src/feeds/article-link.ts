/**
 * The article's own URL when a feed links to a tracker or proxy instead: FeedBurner's
 * `feedburner:origLink`, an Atom `rel="alternate"` link beside the tracking one, a
 * permalink guid, or the target a Google News redirect encodes.
 */
import { normalizeLink } from './link.ts';

export interface LinkCandidates {
  /** The item's `<link>` (RSS) or the link rss-parser chose (Atom: the first `rel="alternate"`). */
  link?: string;
  /** `feedburner:origLink`. */
  origLink?: string;
  /** Every Atom `<link rel="alternate" href>` of the entry, in order. */
  alternates: string[];
  /** The guid when it is an http(s) URL meant as the permalink. */
  permalinkGuid?: string;
}

/**
 * Links that redirect through a feed service rather than name the article: FeedBurner and
 * feedproxy (`/~r/Feed/~3/id/`), FeedPress (`/link/1234/5678/slug`), Google News.
 */
const REDIRECT_LINK = [
  /^https?:\/\/feedproxy\.google\.com\//i,
  /^https?:\/\/feeds\d*\.feedburner\.com\//i,
  /^https?:\/\/[^/]+\/~r\/[^/]+\/~3\//i,
  /^https?:\/\/(?:feed\.[^/]+|[^/]*feedpress\.me)\/link\/\d+\/\d+\//i,
  /^https?:\/\/news\.google\.com\/(?:rss\/|__i\/rss\/rd\/)?articles\//i,
  // Google Alerts and Facebook outbound links: the target is a query parameter.
  /^https?:\/\/(?:www\.)?google\.[a-z.]+\/url\?/i,
  /^https?:\/\/l\.facebook\.com\/l\.php\?/i,
];

/** The target of a redirect that carries it as a query parameter (`url=`, `q=`, `u=`). */
function queryTarget(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const params = new URL(url).searchParams;
  return ['url', 'q', 'u'].map((name) => params.get(name)).find((value) => value !== null && /^https?:\/\//i.test(value)) ?? undefined;
}

export function isRedirectLink(url: string): boolean {
  return REDIRECT_LINK.some((re) => re.test(url));
}

/**
 * Google News links of the older form carry the article URL in their base64 token
 * (`CBMi` + a protobuf whose field 4 is the URL); newer tokens are opaque.
 */
function googleNewsTarget(url: string): string | undefined {
  const token = /^https?:\/\/news\.google\.com\/(?:rss\/|__i\/rss\/rd\/)?articles\/([A-Za-z0-9_-]+)/i.exec(url)?.[1];
  if (!token) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  const start = bytes.indexOf(0x22);
  if (start < 0 || start + 2 > bytes.length) return undefined;
  const length = bytes[start + 1]!;
  const target = bytes.subarray(start + 2, start + 2 + length).toString('latin1');
  return /^https?:\/\/[\x21-\x7e]+$/.test(target) && target.length === length ? target : undefined;
}

/** The absolute URL and identity key of the article's own page, or undefined when the item names none. */
export function articleLink(candidates: LinkCandidates, base: string | undefined): { absolute: string; key: string } | undefined {
  const published = candidates.link === undefined ? undefined : normalizeLink(candidates.link, base);
  const ordered = [
    candidates.origLink,
    ...(published && isRedirectLink(published.absolute)
      ? [googleNewsTarget(published.absolute), queryTarget(published.absolute), ...candidates.alternates, candidates.permalinkGuid]
      : []),
  ];
  for (const candidate of ordered) {
    const link = candidate === undefined ? undefined : normalizeLink(candidate, base);
    if (link && !isRedirectLink(link.absolute)) return link;
  }
  return published;
}
