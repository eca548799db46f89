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
 * Adds utm_source, utm_medium and utm_campaign, replacing any utm_* the link already
 * carries. Every other query parameter is kept byte for byte, in order, and so is the
 * fragment. A link that is not an absolute URL is returned as it is.
 */
export function withUtm(link: string, utm?: UtmTags): string {
  const trimmed = link.trim();
  if (!utm) return trimmed;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return trimmed;
  }
  const tags: [string, string][] = [
    ['utm_source', utm.source],
    ['utm_medium', utm.medium],
  ];
  if (utm.campaign) tags.push(['utm_campaign', utm.campaign]);
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair && !isUtmParam(pair));
  const added = tags.map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  url.search = [...kept, ...added].join('&');
  return url.href;
}
