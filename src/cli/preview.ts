import { channelsForFeed } from '../delivery/channels.ts';
import { fetchFeed } from '../feeds/fetch.ts';
import type { SkippedItem } from '../feeds/list.ts';
import { parseFeed } from '../feeds/parse.ts';
import { withPageImage } from '../feeds/page-image.ts';
import { MemoryPageImageCache } from '../feeds/page-image-cache.ts';
import { describeRule } from '../feeds/filter.ts';
import { renderPost } from '../render/render.ts';
import type { Article } from '../article.ts';
import { loadApp, type GlobalOptions } from './context.ts';
import { describeItem, postBlock } from './format.ts';
import { UserError } from '../errors.ts';

export interface PreviewOptions extends GlobalOptions {
  feed?: string;
  channel?: string;
  /** Parsed by main.ts (`wholeNumber`). */
  limit?: number;
  json?: boolean;
}

/** `herald preview`: what each channel would post for the newest items. Posts nothing, records nothing. */
export async function previewCommand(opts: PreviewOptions): Promise<number> {
  const app = loadApp(opts);
  const limit = opts.limit ?? 3;
  const feeds = app.loaded.config.feeds.filter((f) => !opts.feed || f.id === opts.feed);
  if (feeds.length === 0) throw new UserError(`no feed "${opts.feed}" in the config`, 'see `herald status` for the feed ids');
  if (opts.channel && !app.channels.some((c) => c.id === opts.channel)) {
    throw new UserError(`no channel "${opts.channel}" in the config`);
  }

  const results: unknown[] = [];
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let failed = false;
  const pageImages = new MemoryPageImageCache();
  for (const feed of feeds) {
    let articles: Article[];
    try {
      const fetched = await fetchFeed(feed, {}, { baseDir: app.loaded.dir, userAgent: app.userAgent });
      if (fetched.kind !== 'fetched') continue;
      const parsed = await parseFeed(fetched.text, { id: feed.id, url: fetched.url });
      articles = newest(parsed.articles, limit);
      if (opts.json && parsed.skipped.length > 0) results.push({ feed: feed.id, skipped: parsed.skipped });
      if (!opts.json) {
        for (const item of parsed.skipped) out(`feed ${feed.id}: skipped (${item.reason}): ${describeItem(item)}`);
        if (parsed.articles.length === 0) out(`feed ${feed.id}: no article to preview${parsed.skipped.length ? '' : ' (the feed has no items)'}`);
      }
    } catch (err) {
      failed = true;
      const error = app.redact(err instanceof Error ? err.message : String(err));
      if (opts.json) results.push({ feed: feed.id, error });
      else out(`feed ${feed.id}: FAILED — ${error}`);
      continue;
    }
    for (const channel of channelsForFeed(app.channels, feed.id).filter((c) => !opts.channel || c.id === opts.channel)) {
      const adapter = await channel.adapter();
      for (const feedArticle of articles) {
        const verdict = channel.filter(feedArticle);
        if (!verdict.pass) {
          if (opts.json) {
            results.push({
              feed: feed.id,
              channel: channel.id,
              platform: channel.config.platform,
              article: { id: feedArticle.id, title: feedArticle.title, link: feedArticle.link },
              filtered: verdict.rule,
            });
          } else {
            out(`[${channel.id} · ${channel.config.platform}] "${feedArticle.title}"`);
            out(`  filtered, not posted: ${describeRule(verdict.rule)}`);
          }
          continue;
        }
        const article = channel.config.images?.fromPage
          ? await withPageImage(feedArticle, { cache: pageImages, limits: feed, now: Date.now() })
          : feedArticle;
        const rendered = renderPost(article, channel.config, adapter.rules);
        if (opts.json) {
          results.push({
            feed: feed.id,
            channel: channel.id,
            platform: channel.config.platform,
            article: { id: article.id, title: article.title, link: article.link },
            ...(rendered.ok ? { post: rendered.post } : { error: rendered.reason }),
          });
        } else {
          out(`[${channel.id} · ${channel.config.platform}] "${article.title}"`);
          out(rendered.ok ? postBlock(rendered.post) : `  cannot post: ${rendered.reason}`);
        }
        if (!rendered.ok) failed = true;
      }
    }
  }
  if (opts.json) out(JSON.stringify(results, null, 2));
  await Promise.all(app.channels.map((c) => c.close()));
  return failed ? 1 : 0;
}


function newest(articles: Article[], n: number): Article[] {
  const time = (a: Article) => (a.publishedAt ? Date.parse(a.publishedAt) : 0);
  return articles
    .map((a, i) => ({ a, i }))
    .sort((x, y) => time(y.a) - time(x.a) || x.i - y.i)
    .slice(0, n)
    .map((x) => x.a);
}
