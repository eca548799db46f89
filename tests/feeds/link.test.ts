import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeLink } from '../../src/feeds/link.ts';

describe('normalizeLink', () => {
  it('makes a relative link absolute against the base', () => {
    expect(normalizeLink('/2024/05/story/', 'https://astanatimes.com/feed/')).toEqual({
      absolute: 'https://astanatimes.com/2024/05/story/',
      key: 'https://astanatimes.com/2024/05/story',
    });
    expect(normalizeLink('story', 'https://astanatimes.com/2024/05/')?.absolute).toBe('https://astanatimes.com/2024/05/story');
  });

  it('keys a link by lowercase scheme and host, without default port, utm_* tags, fragment or trailing slash, with sorted parameters', () => {
    const variants = [
      'https://astanatimes.com/2024/05/story/?b=2&a=1',
      'HTTPS://AstanaTimes.com:443/2024/05/story?a=1&b=2#comments',
      'https://astanatimes.com/2024/05/story/?utm_source=rss&a=1&UTM_Medium=rss&b=2&utm_campaign=x',
      '  https://astanatimes.com/2024/05/story//?a=1&b=2  ',
    ];
    for (const link of variants) expect(normalizeLink(link)?.key).toBe('https://astanatimes.com/2024/05/story?a=1&b=2');
  });

  it('keeps the link as published (apart from URL normalization) in absolute', () => {
    expect(normalizeLink('https://AstanaTimes.com:443/a/?utm_source=rss#x')?.absolute).toBe('https://astanatimes.com/a/?utm_source=rss#x');
  });

  it('keeps the path case and a non-default port in the key', () => {
    expect(normalizeLink('http://Example.org:8080/Path/Case/')?.key).toBe('http://example.org:8080/Path/Case');
    expect(normalizeLink('https://example.org/')?.key).toBe('https://example.org');
  });

  it('rejects what is not a web link', () => {
    expect(normalizeLink('')).toBeUndefined();
    expect(normalizeLink('   ')).toBeUndefined();
    expect(normalizeLink('/relative/without/base')).toBeUndefined();
    expect(normalizeLink('tag:example.com,2005:entry-1')).toBeUndefined();
    expect(normalizeLink('mailto:news@astanatimes.com')).toBeUndefined();
    expect(normalizeLink('javascript:alert(1)', 'https://astanatimes.com/')).toBeUndefined();
    expect(normalizeLink('story', '/not/a/base')).toBeUndefined();
    expect(normalizeLink('http://')).toBeUndefined();
  });

  it('is idempotent: the key of a key is the key, and the absolute link normalizes to the same key', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const first = normalizeLink(url);
        expect(first).toBeDefined();
        expect(normalizeLink(first!.key)?.key).toBe(first!.key);
        expect(normalizeLink(first!.absolute)?.key).toBe(first!.key);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same key whatever order the query parameters and utm tags come in', () => {
    const param = fc.tuple(fc.stringMatching(/^[a-z]{1,5}$/), fc.stringMatching(/^[a-z0-9]{0,5}$/));
    fc.assert(
      fc.property(fc.uniqueArray(param, { selector: ([k]) => k, maxLength: 5 }), fc.array(fc.constantFrom('utm_source=x', 'utm_medium=social'), { maxLength: 2 }), (params, utm) => {
        const query = params.map(([k, v]) => `${k}=${v}`);
        const forward = normalizeLink(`https://astanatimes.com/a/?${[...query, ...utm].join('&')}`)!;
        const backward = normalizeLink(`https://astanatimes.com/a?${[...utm, ...query].reverse().join('&')}`)!;
        expect(backward.key).toBe(forward.key);
        expect(forward.key).not.toMatch(/utm_/);
      }),
      { numRuns: 200 },
    );
  });
});
