import type { Article } from '../article.ts';
import { channelsForFeed } from '../delivery/channels.ts';
import { fetchFeed } from '../feeds/fetch.ts';
import { filterExcludesAll } from '../feeds/filter-check.ts';
import { parseFeed } from '../feeds/parse.ts';
import { loadApp, type App, type GlobalOptions } from './context.ts';

/**
 * `herald validate`: every problem as `path: message` on stdout, exit 2; or a one-line summary,
 * after a warning for each filter that lets none of its feeds' current items through.
 */
export async function validateCommand(opts: GlobalOptions): Promise<number> {
  const app = loadApp({ ...opts, logLevel: 'silent' }, { offline: true });
  const { file, config } = app.loaded;
  for (const warning of await filterWarnings(app)) process.stdout.write(`${warning}\n`);
  const dry = config.channels.filter((c) => c.dryRun).length;
  process.stdout.write(
    `${file}: OK — ${config.feeds.length} feed(s), ${config.channels.length} channel(s)${dry ? ` (${dry} in dry run)` : ''}, store ${config.store}\n`,
  );
  return 0;
}

/** Fetches the feeds of filtered channels (a feed that cannot be fetched is not checked). */
async function filterWarnings(app: App): Promise<string[]> {
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
