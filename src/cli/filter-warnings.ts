import type { Article } from '../article.ts';
import type { ChannelConfig } from '../config/schema.ts';
import type { LoadedConfig } from '../config/load.ts';
import { filterExcludesAll } from '../feeds/filter-check.ts';
import { compileFilter } from '../feeds/filter.ts';
import { HERALD_USER_AGENT } from '../version.ts';

const onTheNetwork = (url: string) => /^https?:\/\//i.test(url);
const readsFeed = (channel: ChannelConfig, feedId: string) => !channel.feeds || channel.feeds.includes(feedId);

/**
 * A warning per channel filter that lets none of its feeds' current items through. Feeds that
 * are files are read; feeds on the network only when `online` (each within its `timeoutSeconds`).
 * A feed that cannot be read is not checked: its failure is for `preview` and `once` to report.
 */
export async function filterWarnings({ config, dir }: LoadedConfig, { online }: { online: boolean }): Promise<string[]> {
  const filtered = config.channels.filter((c) => c.filter);
  const wanted = config.feeds.filter((f) => (online || !onTheNetwork(f.url)) && filtered.some((c) => readsFeed(c, f.id)));
  if (wanted.length === 0) return [];
  const [{ fetchFeed }, { parseFeed }] = await Promise.all([import('../feeds/fetch.ts'), import('../feeds/parse.ts')]);
  const articles = new Map<string, Article[]>();
  await Promise.all(
    wanted.map(async (feed) => {
      try {
        const fetched = await fetchFeed(feed, {}, { baseDir: dir, userAgent: config.userAgent ?? HERALD_USER_AGENT });
        if (fetched.kind === 'fetched') articles.set(feed.id, (await parseFeed(fetched.text, { id: feed.id, url: fetched.url })).articles);
      } catch {
        // Not checked (see above).
      }
    }),
  );
  return filtered.flatMap((channel) => {
    const feedIds = wanted.filter((f) => readsFeed(channel, f.id) && articles.has(f.id)).map((f) => f.id);
    const warning = filterExcludesAll(compileFilter(channel.filter), feedIds.flatMap((id) => articles.get(id)!), feedIds);
    return warning ? [`channels.${config.channels.indexOf(channel)}.filter: ${warning}`] : [];
  });
}
