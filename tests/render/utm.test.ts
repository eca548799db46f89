import { describe, expect, it } from 'vitest';
import { withUtm } from '../../src/render/utm.ts';

const LINK = 'https://astanatimes.com/2024/05/kazakhstan-us-maintain-constructive-dialogue-on-human-rights-democratic-reforms/';

describe('withUtm', () => {
  it('adds source and medium, and campaign when given', () => {
    expect(withUtm(LINK, { source: 'x', medium: 'social' })).toBe(`${LINK}?utm_source=x&utm_medium=social`);
    expect(withUtm(LINK, { source: 'telegram', medium: 'social', campaign: 'may 2024/dialogue' })).toBe(
      `${LINK}?utm_source=telegram&utm_medium=social&utm_campaign=may%202024%2Fdialogue`,
    );
  });

  it('returns the link unchanged (trimmed) without UTM settings', () => {
    expect(withUtm(`  ${LINK}\n`)).toBe(LINK);
    expect(withUtm('https://astanatimes.com/?p=1&q=a%20b+c#top')).toBe('https://astanatimes.com/?p=1&q=a%20b+c#top');
  });

  it('keeps other parameters byte for byte, in order, and the fragment', () => {
    expect(withUtm('https://astanatimes.com/?p=123&q=a%20b+c&flag#comments', { source: 'x', medium: 'social' })).toBe(
      'https://astanatimes.com/?p=123&q=a%20b+c&flag&utm_source=x&utm_medium=social#comments',
    );
  });

  it('replaces every utm_* parameter already on the link, whatever its case or encoding', () => {
    expect(
      withUtm('https://astanatimes.com/a/?utm_source=rss&id=7&UTM_MEDIUM=feed&utm%5Fterm=kz&utm_campaign=old', {
        source: 'mastodon',
        medium: 'social',
      }),
    ).toBe('https://astanatimes.com/a/?id=7&utm_source=mastodon&utm_medium=social');
  });

  it('encodes values and leaves non-ASCII paths percent-encoded', () => {
    const tagged = withUtm(' https://astanatimes.com/новости/ ', { source: 'a&b', medium: 'soc ial' });
    expect(tagged).toBe('https://astanatimes.com/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/?utm_source=a%26b&utm_medium=soc%20ial');
    const url = new URL(tagged);
    expect(decodeURIComponent(url.pathname)).toBe('/новости/');
    expect(url.searchParams.get('utm_source')).toBe('a&b');
  });

  it('leaves a link that is not an absolute URL as it is', () => {
    expect(withUtm('/2024/05/relative/', { source: 'x', medium: 'social' })).toBe('/2024/05/relative/');
  });
});
