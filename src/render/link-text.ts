/** How an article link reads where a platform shows the link text apart from its target. */

/** The link without its utm_* parameters, every other byte kept: what people read, while the target keeps the tags. */
export function readableLink(link: string): string {
  const hashAt = link.indexOf('#');
  const beforeHash = hashAt < 0 ? link : link.slice(0, hashAt);
  const hash = hashAt < 0 ? '' : link.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  if (queryAt < 0) return link;
  const kept = beforeHash
    .slice(queryAt + 1)
    .split('&')
    .filter((pair) => pair && !/^utm_/i.test(pair));
  return beforeHash.slice(0, queryAt) + (kept.length > 0 ? `?${kept.join('&')}` : '') + hash;
}
