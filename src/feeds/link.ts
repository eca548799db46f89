/**
 * Article links: made absolute for followers, and reduced to a key for identity, so the
 * same article is recognised across tracking tags, fragments, host case, default ports,
 * trailing slashes and query-parameter order (and across a feed migration that changes
 * guids but not links).
 */
export function normalizeLink(link: string, base?: string): { absolute: string; key: string } | undefined {
  const url = parseWebUrl(link.trim(), base);
  if (!url) return undefined;
  return { absolute: url.href, key: linkKey(url) };
}

function parseWebUrl(link: string, base: string | undefined): URL | undefined {
  if (!link) return undefined;
  let url: URL;
  try {
    url = new URL(link, base === undefined ? undefined : parseWebUrl(base, undefined));
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
}

function linkKey(url: URL): string {
  const key = new URL(url.href);
  key.hash = '';
  const params = new URLSearchParams(key.search);
  for (const name of [...new Set(params.keys())]) {
    if (/^utm_/i.test(name)) params.delete(name);
  }
  params.sort();
  const query = params.toString();
  const path = key.pathname.replace(/\/+$/, '');
  return `${key.protocol}//${key.host}${path}${query ? `?${query}` : ''}`;
}
