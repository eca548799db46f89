import { describe, expect, it } from 'vitest';
import { articleLink, isRedirectLink } from '../../src/feeds/article-link.ts';

const PROXY = 'http://feedproxy.google.com/~r/Techcrunch/~3/kTeeGj4FnwU/';
const ORIGINAL = 'http://techcrunch.com/2011/11/02/angies-list-prices-ipo/';

describe('articleLink', () => {
  it('takes feedburner:origLink over the feedproxy link, for the link and for identity', () => {
    expect(articleLink({ link: PROXY, origLink: ORIGINAL, alternates: [] }, undefined)).toEqual({
      absolute: ORIGINAL,
      key: 'http://techcrunch.com/2011/11/02/angies-list-prices-ipo',
    });
  });

  it('takes an Atom rel="alternate" or a permalink guid beside a redirect link', () => {
    const tracked = 'http://feeds.nationalgeographic.com/~r/ng/News/News_Main/~3/UcW2Wf6VPPM/';
    expect(articleLink({ link: tracked, alternates: [tracked, 'https://news.example.kz/a/'] }, undefined)?.absolute).toBe('https://news.example.kz/a/');
    expect(articleLink({ link: tracked, alternates: [], permalinkGuid: 'https://news.example.kz/b/' }, undefined)?.absolute).toBe(
      'https://news.example.kz/b/',
    );
  });

  it('reads the target of Google Alerts and old-style Google News links', () => {
    const alert = 'https://www.google.com/url?rct=j&sa=t&url=https://www.vox.com/2019/7/10/recode&ct=ga';
    expect(articleLink({ link: alert, alternates: [] }, undefined)?.absolute).toBe('https://www.vox.com/2019/7/10/recode');
    const target = 'https://www.lemonde.fr/international/article/2023/04/04/x.html';
    const token = Buffer.concat([Buffer.from([0x08, 0x13, 0x22, target.length]), Buffer.from(target)]).toString('base64url');
    expect(articleLink({ link: `https://news.google.com/rss/articles/${token}?oc=5`, alternates: [] }, undefined)?.absolute).toBe(target);
  });

  it('keeps the published link when the feed names nothing better, and an ordinary link as it is', () => {
    const feedpress = 'https://feed.itsfoss.com/link/24361/17298787/chrome-linux-arm-announcement';
    expect(articleLink({ link: feedpress, alternates: [] }, undefined)?.absolute).toBe(feedpress);
    expect(articleLink({ link: '/2024/05/x/', alternates: [], permalinkGuid: 'https://elsewhere.example/y' }, 'https://astanatimes.com/feed/')?.absolute).toBe(
      'https://astanatimes.com/2024/05/x/',
    );
  });

  it('knows the redirect forms', () => {
    expect([PROXY, 'http://feeds.feedburner.com/~r/x/~3/abc/', 'https://feed.itsfoss.com/link/1/2/s', 'https://news.google.com/rss/articles/CBMiAB?oc=5'].every(isRedirectLink)).toBe(true);
    expect(isRedirectLink(ORIGINAL)).toBe(false);
  });
});
