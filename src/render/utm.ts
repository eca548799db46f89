/** The channel's UTM tags on an article link. */

export interface UtmTags {
  source: string;
  medium: string;
  campaign?: string;
}

function isUtmParam(pair: string): boolean {
  const name = pair.split('=', 1)[0]!;
  try {
    return decodeURIComponent(name.replaceAll('+', ' ')).toLowerCase().startsWith('utm_');
  } catch {
    return false;
  }
}

/**
 * An http(s) link with neither query nor fragment that the URL parser writes as it is: a
 * domain name in lowercase ASCII (no punycode), no port, a path of characters it leaves
 * alone and no dot segment. The tags are appended to it as text.
 */
const WRITTEN_AS_PARSED = /^https?:\/\/(?:(?!xn--)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}(?:\/(?!\.\.?(?:\/|$))[\w\-.~!$&'()*+,;=:@]*)+$/;

/**
 * Adds utm_source, utm_medium and utm_campaign, replacing any utm_* the link already
 * carries. Every other query parameter is kept byte for byte, in order, and so is the
 * fragment. A link that is not an absolute URL is returned as it is.
 */
export function withUtm(link: string, utm?: UtmTags): string {
  const trimmed = link.trim();
  if (!utm) return trimmed;
  let added = `utm_source=${encodeURIComponent(utm.source)}&utm_medium=${encodeURIComponent(utm.medium)}`;
  if (utm.campaign) added += `&utm_campaign=${encodeURIComponent(utm.campaign)}`;
  // The parser would encode an apostrophe in the query.
  if (WRITTEN_AS_PARSED.test(trimmed) && !added.includes("'")) return `${trimmed}?${added}`;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return trimmed;
  }
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair && !isUtmParam(pair));
  url.search = [...kept, added].join('&');
  return url.href;
}
