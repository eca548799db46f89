/**
 * Fitting by weight (budgets with `prefixWeights`: X, Mastodon, Bluesky) against fitting by
 * counting every attempt (the same rules without them), on random articles: emoji
 * sequences, CJK, combining marks, links and mentions in the text, long words, huge
 * summaries. The post found by weight fits by the platform's own counter and keeps at
 * least as much as the one found by counting: the same post where the weights are exact
 * (see weighsExactly), and where they are not (they are lower bounds) a sentence end that
 * counting, which asks for room for an '…' there, passes over.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type TwitterText from 'twitter-text';
import { adapters } from '../../adapters/index.ts';
import type { Article } from '../../src/article.ts';
import type { ChannelBase } from '../../src/config/channel-base.ts';
import type { PlatformRules, RenderedPost } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import { blankArticle, channelOf, offlineContext } from '../helpers/adapter-test.ts';

const twitter = createRequire(import.meta.url)('twitter-text') as typeof TwitterText;

const KEYS: Record<string, Record<string, unknown>> = {
  x: { auth: { appKey: 'k', appSecret: 's', accessToken: 't', accessSecret: 'u' } },
  mastodon: { apiRoot: 'https://mastodon.social', auth: { accessToken: 'prop' } },
  bluesky: { auth: { identifier: 'prop.bsky.social', password: 'prop-app-password' } },
};

/** The same rules with every budget counting each attempt: fitting as it is done without weights. */
function countingOnly(rules: PlatformRules): PlatformRules {
  return { ...rules, layouts: rules.layouts.map((l) => ({ ...l, budgets: l.budgets.map(({ unit, limit, count }) => ({ unit, limit, count })) })) };
}

const WORDS = ['Kazakhstan', 'reform', 'the', 'U.S.', 'Mr.', 'co-chaired', '5.1%', '$1.2', 'Astana', ' ', ' ', ' ', '. ', '! ', '? ', ', ', ' – ', '\n'];
const SCRIPTS = ['Қазақстан', 'Әділетті', 'Астана', '中文', '日本語の記事', 'ภาษาไทย', 'Ｆｕｌｌ', 'الأخبار', 'क्षत्रिय'];
const SYMBOLS = ['😀', '👍🏽', '©', '𝐀𝐁', '…', '«', '»', '“', '”', '\uFEFF', '\u200E'];
const LONG_WORDS = ['Antidisestablishmentarianism'.repeat(3), 'ж'.repeat(90), '漢'.repeat(70)];

/** Pieces of text; `exact`: only those the weights weigh exactly (see weighsExactly). */
const piece = (exact: boolean) =>
  exact
    ? fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...WORDS) }, { weight: 2, arbitrary: fc.constantFrom(...SCRIPTS) }, { weight: 2, arbitrary: fc.constantFrom(...SYMBOLS) }, { weight: 1, arbitrary: fc.constantFrom(...LONG_WORDS) })
    : fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...WORDS) },
        { weight: 2, arbitrary: fc.constantFrom(...SCRIPTS, 'e\u0301', '\u0301', 'ᄀ\u1161') },
        { weight: 2, arbitrary: fc.constantFrom(...SYMBOLS, '👨‍👩‍👧‍👦', '🏃‍♀️', '🇰🇿', '🇰🇿🇺🇸', '1️⃣', '❤️') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('astanatimes.com', 'https://t.co/abc', 'example.kz/news?id=1', '@akorda', '@user@mastodon.social', 'xmpp:a@b.kz', 'магазин.рф', 'foo.bar.baz'),
        },
        { weight: 1, arbitrary: fc.constantFrom(...LONG_WORDS) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }) },
      );
const text = (max: number, exact: boolean) => fc.array(piece(exact), { maxLength: max }).map((pieces) => pieces.join(''));

const articleOf = (exact: boolean) =>
  fc.record({
    title: text(30, exact),
    summary: fc.oneof({ weight: 4, arbitrary: text(200, exact) }, { weight: 1, arbitrary: text(60, exact).map((t) => t.repeat(40)) }),
    categories: fc.array(fc.constantFrom('Nation', 'Human Rights', 'Tech & Science', 'Қоғам', '中文'), { maxLength: 4 }),
    author: fc.option(text(3, exact), { nil: undefined }),
  });
const articleArb = fc.oneof(articleOf(false), articleOf(true));

/** What the weights of X and Mastodon take for a link or a mention (adapters/linkish.ts), or nearly. */
const LINK_OR_MENTION = /:\/\/|\.\p{L}{2}|@|xmpp:|magnet:/u;

/**
 * Text whose weights are its counts, as tests/render/prefix-weights.property.test.ts has it:
 * no link or mention, NFC already (else a mark is weighed as if it composed, as X may make
 * it: ᄀ + U+1161 does, d + U+0301 does not), and no emoji sequence (weighed at least once).
 */
const weighsExactly = (text: string) => !LINK_OR_MENTION.test(text) && text.normalize('NFC') === text && !/\u200D|\uFE0F|\p{RI}/u.test(text);

/** How much of the article a post keeps. */
const kept = (post: RenderedPost) => post.title.length + post.summary.length + post.hashtags.join(' ').length;

const setups = await Promise.all(
  Object.entries(KEYS).map(async ([platform, keys]) => {
    const adapter = adapters[platform]!;
    const channel = channelOf(adapter, { id: `${platform}-prop`, hashtags: { fromCategories: true, max: 3 }, utm: { source: platform, medium: 'social' }, ...keys }) as ChannelBase;
    const { rules } = await adapter.create(channel, offlineContext());
    return { platform, channel, rules };
  }),
);

describe('fitting by weight (property)', () => {
  it.each(setups.map((s) => [s.platform, s] as const))('%s: fits by the platform counter, as fitting by counting does', (platform, { channel, rules }) => {
    const exact = countingOnly(rules);
    expect(rules.layouts.every((l) => l.budgets.every((b) => b.prefixWeights))).toBe(true);
    fc.assert(
      fc.property(articleArb, (a) => {
        const article: Article = blankArticle({ ...a, ...(a.author === undefined && { author: undefined }) });
        const weighed = renderPost(article, channel, rules);
        const counted = renderPost(article, channel, exact);
        expect(weighed.ok).toBe(counted.ok);
        if (!weighed.ok || !counted.ok) return;
        const { post } = weighed;
        const text = article.title + article.summary + (article.author ?? '');
        if (weighsExactly(text)) expect(post).toEqual(counted.post);
        expect(kept(post)).toBeGreaterThanOrEqual(kept(counted.post));
        const layout = rules.layouts.find((l) => l.name === post.layout)!;
        for (const [i, b] of layout.budgets.entries()) {
          expect(post.lengths[i]!.length).toBe(b.count(post.text));
          expect(post.lengths[i]!.length).toBeLessThanOrEqual(b.limit);
        }
        if (platform === 'x') expect(twitter.parseTweet(post.text).weightedLength).toBeLessThanOrEqual(280);
      }),
      { numRuns: 400 },
    );
  });
});
