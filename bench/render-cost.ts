/**
 * What fitting a post costs against one count of its final text by the platform's own
 * counter (`npm run bench -- render-cost`): twitter-text's `parseTweet` for X, a grapheme
 * count by Intl.Segmenter for Mastodon and Bluesky. Typical articles and the worst case, a
 * 20,000-character summary. Target: at most 3× the count. Both are timed in turns, each
 * its fastest round.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type TwitterText from 'twitter-text';
import type { Article } from '../src/article.ts';
import type { ChannelRuntime } from '../src/delivery/channels.ts';
import { renderPost } from '../src/render/render.ts';
import { hugeSummary, outletArticle } from './outlet.ts';

type Report = (name: string, value: number, unit: string, detail?: string) => void;

const ARTICLES = 300;
const WORST_SUMMARY_CHARS = 20_000;
const MIN_MS = 300;
const TARGET = 3;

const twitter = createRequire(import.meta.url)('twitter-text') as typeof TwitterText;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const COUNTERS: Record<string, { name: string; count: (text: string) => number }> = {
  x: { name: 'parseTweet', count: (text) => twitter.parseTweet(text).weightedLength },
  mastodon: { name: 'Intl.Segmenter graphemes', count: (text) => [...segmenter.segment(text)].length },
  bluesky: { name: 'Intl.Segmenter graphemes', count: (text) => [...segmenter.segment(text)].length },
};

/** Each timed round runs its task over the inputs for at least this long. */
const ROUND_MS = 5;

/** Microseconds per call of `task` over `inputs` in one round. */
function round<T>(inputs: readonly T[], task: (input: T) => unknown): number {
  let calls = 0;
  const t0 = performance.now();
  do {
    inputs.forEach(task);
    calls += inputs.length;
  } while (performance.now() - t0 < ROUND_MS);
  return ((performance.now() - t0) * 1000) / calls;
}

/**
 * Microseconds per call of `render` and of `count`, each its fastest round, the rounds of
 * the two taking turns for at least MIN_MS each: other processes slowing one of them
 * down for a while (the machine is shared) do not show as a ratio.
 */
function perCall<A, B>(renders: readonly A[], render: (input: A) => unknown, counts: readonly B[], count: (input: B) => unknown) {
  // Warm-up, so that neither is timed while it is still being compiled.
  for (const warm = performance.now(); performance.now() - warm < MIN_MS; ) {
    renders.forEach(render);
    counts.forEach(count);
  }
  let renderUs = Infinity;
  let countUs = Infinity;
  const t0 = performance.now();
  while (performance.now() - t0 < 2 * MIN_MS) {
    renderUs = Math.min(renderUs, round(renders, render));
    countUs = Math.min(countUs, round(counts, count));
  }
  return { renderUs, countUs };
}

export async function benchRenderCost(report: Report, channels: ChannelRuntime[]): Promise<void> {
  const now = Date.now();
  const articles = Array.from({ length: ARTICLES }, (_, n) => outletArticle(n, 'astanatimes', new Date(now - n * 60_000)));
  const worst: Article = { ...articles[0]!, summary: hugeSummary(WORST_SUMMARY_CHARS) };
  for (const [platform, counter] of Object.entries(COUNTERS)) {
    const runtime = channels.find((c) => c.config.platform === platform);
    if (!runtime) throw new Error(`no ${platform} channel`);
    const { rules } = await runtime.adapter();
    const render = (article: Article) => renderPost(article, runtime.config, rules);
    for (const [name, inputs] of [['typical', articles], [`worst case (${WORST_SUMMARY_CHARS}-character summary)`, [worst]]] as const) {
      const texts = inputs.map((article) => {
        const outcome = render(article);
        if (!outcome.ok) throw new Error(`${platform}: ${outcome.reason}`);
        return outcome.post.text;
      });
      const { renderUs, countUs } = perCall(inputs, render, texts, counter.count);
      report(
        `render cost ${platform} ${name}`,
        renderUs / countUs,
        '× one count',
        `target ≤ ${TARGET}×; render ${renderUs.toFixed(1)} µs/post, ${counter.name} on the final text ${countUs.toFixed(1)} µs`,
      );
    }
  }
}
