import type { Article } from '../article.ts';
import { channelsForFeed } from '../delivery/channels.ts';
import { fetchFeed } from '../feeds/fetch.ts';
import { filterExcludesAll } from '../feeds/filter-check.ts';
import { parseFeed } from '../feeds/parse.ts';
import { loadApp, type GlobalOptions } from './context.ts';

/** Fetches the feeds of filtered channels (a feed that cannot be fetched is not checked): a warning per filter that lets nothing through. */
export async function filterWarnings(opts: GlobalOptions): Promise<string[]> {
  const app = loadApp({ ...opts, logLevel: 'silent' }, { offline: true });
  const filtered = app.channels.filter((c) => c.config.filter);
  const wanted = app.loaded.config.feeds.filter((f) => channelsForFeed(filtered, f.id).length > 0);
  const articles = new Map<string, Article[]>();
  await Promise.all(
    wanted.map(async (feed) => {
      try {
        const fetched = await fetchFeed(feed, {}, { baseDir: app.loaded.dir, userAgent: app.userAgent });
        if (fetched.kind === 'fetched') articles.set(feed.id, (await parseFeed(fetched.text, { id: feed.id, url: fetched.url })).articles);
      } catch {
        // Its failure is for `preview` and `once` to report; validate checks the config.
      }
    }),
  );
  return filtered.flatMap((channel) => {
    const index = app.loaded.config.channels.indexOf(channel.config);
    const feedIds = wanted.filter((f) => channelsForFeed([channel], f.id).length > 0 && articles.has(f.id)).map((f) => f.id);
    const warning = filterExcludesAll((a) => channel.filter(a), feedIds.flatMap((id) => articles.get(id)!), feedIds);
    return warning ? [`channels.${index}.filter: ${warning}`] : [];
  });
}
