/**
 * Every item of every feed in tests/fixtures, rendered for every platform with the real
 * adapters' rules (offline), checked as an editor would check it before it goes out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapters } from '../../adapters/index.ts';
import type { Article } from '../../src/article.ts';
import type { ChannelBase } from '../../src/config/channel-base.ts';
import { FeedError } from '../../src/errors.ts';
import { isRedirectLink } from '../../src/feeds/article-link.ts';
import { decodeFeedBytes } from '../../src/feeds/decode.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import type { PlatformRules } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import { channelOf, offlineContext } from '../helpers/adapter-test.ts';
import { postProblems, withoutUtm } from './editor-checks.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures');
const feedFiles = [
  'astanatimes-feed.xml',
  ...fs
    .readdirSync(path.join(fixtures, 'feeds'), { recursive: true, encoding: 'utf8' })
    .filter((f) => fs.statSync(path.join(fixtures, 'feeds', f)).isFile())
    .map((f) => path.join('feeds', f)),
].sort();

/**
 * Feeds whose items link only to a feed service's redirect: the feed names no other URL
 * for the article (no origLink, no alternate, no permalink guid).
 */
const ONLY_REDIRECT_LINKS = new Set([
  // FeedPress: the guid is a Ghost post id, the only link is feed.itsfoss.com/link/….
  'feeds/jocmp-capyreader/itsfoss-ghost.xml',
]);

const PLATFORM_KEYS: Record<string, Record<string, unknown>> = {
  x: { auth: { appKey: 'k', appSecret: 's', accessToken: 't', accessSecret: 'u' } },
  telegram: { chatId: '@quality', auth: { botToken: '123456:quality' } },
  mastodon: { apiRoot: 'https://mastodon.social', auth: { accessToken: 'quality' } },
  bluesky: { auth: { identifier: 'quality.bsky.social', password: 'quality-app-password' } },
  facebook: { pageId: '100000000000001', auth: { pageAccessToken: 'quality' } },
  instagram: { igUserId: '17841400000000001', auth: { accessToken: 'quality' } },
  threads: { userId: 'me', auth: { accessToken: 'quality' } },
  linkedin: { author: 'urn:li:organization:1000001', auth: { accessToken: 'quality' } },
  discord: { auth: { webhookUrl: 'https://discord.com/api/webhooks/1/quality' } },
  tiktok: { auth: { accessToken: 'quality' } },
  webhook: { url: 'https://example.org/herald', auth: { secret: 'quality-secret-0123456789' } },
  console: {},
};

async function corpusArticles(): Promise<{ file: string; article: Article }[]> {
  const found: { file: string; article: Article }[] = [];
  for (const file of feedFiles) {
    const where = path.join(fixtures, file);
    try {
      const { articles } = await parseFeed(decodeFeedBytes(fs.readFileSync(where)), { id: 'quality', url: where });
      for (const article of articles) found.push({ file, article });
    } catch (err) {
      if (!(err instanceof FeedError)) throw err;
    }
  }
  return found;
}

describe('posts an editor would publish, from every corpus item on every platform', async () => {
  const items = await corpusArticles();
  const platforms: { platform: string; channel: ChannelBase; rules: PlatformRules }[] = [];
  for (const [platform, adapter] of Object.entries(adapters)) {
    const channel = channelOf(adapter, {
      id: `${platform}-quality`,
      hashtags: { fromCategories: true, max: 3 },
      utm: { source: platform, medium: 'social' },
      ...PLATFORM_KEYS[platform],
    }) as ChannelBase;
    platforms.push({ platform, channel, rules: (await adapter.create(channel, offlineContext())).rules });
  }

  it('has the corpus and every platform to check', () => {
    expect(feedFiles.length).toBeGreaterThanOrEqual(141);
    expect(items.length).toBeGreaterThanOrEqual(950);
    expect(platforms.map((p) => p.platform).sort()).toEqual(Object.keys(PLATFORM_KEYS).sort());
  });

  it('links every article itself, not a feed service redirect, unless the feed names nothing else', () => {
    const redirects = items.filter(({ file, article }) => isRedirectLink(article.link) && !ONLY_REDIRECT_LINKS.has(file));
    expect(redirects.map(({ file, article }) => `${file}: ${article.link}`)).toEqual([]);
  });

  it.each(platforms.map((p) => [p.platform, p] as const))('%s: every post passes', (_name, { channel, rules }) => {
    const problems: string[] = [];
    for (const { file, article } of items) {
      const outcome = renderPost(article, channel, rules);
      if (!outcome.ok) continue;
      for (const problem of postProblems(outcome.post, article)) problems.push(`${file} "${article.title}": ${problem}`);
    }
    expect(problems).toEqual([]);
  });
});
