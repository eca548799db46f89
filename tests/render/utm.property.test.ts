/** withUtm appends the tags to a link the URL parser would write as it is, without parsing it: the same link as parsing gives. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { withUtm, type UtmTags } from '../../src/render/utm.ts';

/** The tagged link by the URL parser, as withUtm makes every link it does not append to. */
function parsedWithUtm(link: string, utm: UtmTags): string {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return link.trim();
  }
  const tags = [['utm_source', utm.source], ['utm_medium', utm.medium], ...(utm.campaign ? [['utm_campaign', utm.campaign]] : [])];
  url.search = [...url.search.slice(1).split('&').filter(Boolean), ...tags.map(([n, v]) => `${n}=${encodeURIComponent(v!)}`)].join('&');
  return url.href;
}

const scheme = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('https://', 'http://') },
  { weight: 1, arbitrary: fc.constantFrom('HTTPS://', 'Http://', 'ftp://', 'ws://', 'file://', 'mailto:', 'https:/', 'https:') },
);
const label = fc.oneof(
  fc.constantFrom('astanatimes', 'www', 'a', 'b-c', 'xn--80ak6aa92e', 'xn--p1ai', 'XN--P1AI', 'xn--', 'xn--a', 'xn--zz9', 'xn--ls8h', 'Kz', '-a', 'a-', '0', '127', '0x7f', '1e3', 'ab--cd', 'новости', 'ß', ''),
  fc.stringMatching(/^[a-z0-9-]{1,8}$/),
);
const tld = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('com', 'kz', 'org') },
  { weight: 1, arbitrary: fc.constantFrom('KZ', 'c', 'co1', '123', 'xn--p1ai', 'рф', 'com.', 'com:443', 'com:80', 'com:8080', 'com:', '1') },
);
const host = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld).map(([labels, t]) => `${labels.join('.')}.${t}`);
const segment = fc.oneof(
  fc.constantFrom('', '.', '..', '%2e', '.%2E', '...', 'a.b', '2024', 'story-1', "it's", 'a@b', 'a:b', '~x', '*', '(x)', 'a+b', 'a=b;c', '!$&', '_'),
  fc.constantFrom('a b', 'a\tb', '\\', '"', '<', '>', '`', '{', '}', '^', '|', '%', '%20', '%zz', 'новости', 'é', '\u0000', '?', '#', '?a=1', '#top'),
  fc.stringMatching(/^[\w\-.~!$&'()*+,;=:@%]{0,6}$/),
);
const link = fc
  .tuple(fc.constantFrom('', ' ', '\n'), scheme, fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('user@', 'u:p@') }), host, fc.array(segment, { maxLength: 4 }), fc.boolean())
  .map(([space, s, userinfo, h, segments, slash]) => `${space}${s}${userinfo}${h}${segments.map((p) => `/${p}`).join('')}${slash ? '/' : ''}${space}`);
const value = fc.oneof(fc.constantFrom('x', 'social', 'may 2024', "it's", 'a&b', 'новости', '#1', 'a/b'), fc.string({ maxLength: 5 }));
const utm = fc.record({ source: value, medium: value, campaign: fc.option(value, { nil: undefined }) });

describe('withUtm (property)', () => {
  it('tags a link as parsing it does', () => {
    fc.assert(
      fc.property(fc.oneof(link, fc.webUrl()), utm, (l, u) => {
        expect(withUtm(l, u)).toBe(parsedWithUtm(l, u));
      }),
      { numRuns: 5000 },
    );
  });
});
