import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Article } from '../../src/article.ts';
import { channelBaseSchema } from '../../src/config/channel-base.ts';
import type { Budget, Layout, Part, PlatformRules } from '../../src/platform.ts';
import { codePoints, graphemes, utf16, utf8Bytes } from '../../src/render/count.ts';
import { renderPost } from '../../src/render/render.ts';
import { withUtm } from '../../src/render/utm.ts';

const COUNTS = { graphemes, 'UTF-16': utf16, bytes: utf8Bytes, chars: codePoints } as const;
const LONE_SURROGATE = /\p{Cs}/u;
const escapeHtml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const FORMATS = {
  plain: undefined,
  html: (parts: Part[]) => parts.map((p) => (p.kind === 'title' ? `<b>${escapeHtml(p.text)}</b>` : escapeHtml(p.text))).join(''),
};
/** Templates whose every line but the link's vanishes when only the link is left. */
const TEMPLATES = [
  '{title}\n\n{summary}\n\n{link}\n{hashtags}',
  '{title}\nBy {author}\n\n{summary}\n\n{categories}\n{link}\n{hashtags}',
  '{hashtags} {title} {link}',
  '{link}\n\n{title} ({author})\n{summary}',
];

/** Pieces of text in many scripts, emoji sequences, combining marks, markup characters and sentence ends. */
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('Kazakhstan', 'reform', 'the', 'U.S.', 'Astana', 'dialogue', 'rights', ' ', ' ', ' ', '. ', '! ', '? ', ', ') },
  { weight: 2, arbitrary: fc.constantFrom('Қазақстан', 'Астана', '中文', '日本語', 'Ｆｕｌｌ', 'ｗｉｄｔｈ', 'الأخبار', 'क्षत्रिय', 'e\u0301', '\u0301') },
  { weight: 2, arbitrary: fc.constantFrom('😀', '👨‍👩‍👧‍👦', '🇰🇿', '🇺🇸', '👍🏽', '𝐀𝐁', '❤️', '<', '>', '&', '"', "'", '&amp;', '<b>', '…') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
);
const normalized = (max: number) => fc.array(piece, { maxLength: max, size: 'max' }).map((pieces) => pieces.join('').replace(/\s+/g, ' ').trim());

const articleArb = fc.record({
  title: normalized(60),
  summary: normalized(400),
  categories: fc.array(normalized(4), { maxLength: 12 }),
  author: fc.option(normalized(4), { nil: undefined }),
  link: fc.webUrl({ withQueryParameters: true, withFragments: true }),
  padLink: fc.boolean(),
  imageUrl: fc.option(fc.constant('https://astanatimes.com/wp-content/uploads/2024/05/photo.jpg'), { nil: undefined }),
});

const budgetArb = fc.record({
  unit: fc.constantFrom(...(Object.keys(COUNTS) as (keyof typeof COUNTS)[])),
  limit: fc.oneof(fc.integer({ min: 60, max: 500 }), fc.integer({ min: 60, max: 5000 })),
});
const layoutArb = fc.record({ budgets: fc.array(budgetArb, { minLength: 1, maxLength: 2 }), needsImage: fc.boolean() });

const setupArb = fc.record({
  article: articleArb,
  layouts: fc.array(layoutArb, { minLength: 1, maxLength: 2 }),
  format: fc.constantFrom(...(Object.keys(FORMATS) as (keyof typeof FORMATS)[])),
  template: fc.constantFrom(...TEMPLATES),
  hashtags: fc.record({ fromCategories: fc.boolean(), max: fc.integer({ min: 0, max: 6 }), fixed: fc.array(normalized(2), { maxLength: 2 }) }),
  maxHashtags: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  utm: fc.option(fc.record({ source: fc.constantFrom('x', 'bluesky'), medium: fc.constant('social'), campaign: fc.option(fc.constant('may 2024'), { nil: undefined }) }), { nil: undefined }),
});

const graphemeEnds = (text: string) => new Set([...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].map((s) => s.index + s.segment.length));

/**
 * `shown` is `full`, or dropped, or a prefix of it cut at a grapheme boundary and ended with
 * '…' unless it ends a sentence (a period may end an abbreviation instead: "U.…" of "U.S.").
 */
function expectCutOf(shown: string, full: string) {
  if (shown === full || shown === '') return;
  const endsSentence = (t: string) => /[.!?…](?:["'”’»)\]]*)$/u.test(t);
  const marked = shown.endsWith('…') && full.startsWith(shown.slice(0, -1));
  expect(marked || endsSentence(shown)).toBe(true);
  const prefix = marked ? shown.slice(0, -1) : shown;
  expect(full.startsWith(prefix)).toBe(true);
  // An empty prefix: the text's own leading '…' is all that fits ("…" of "…Kazakhstan").
  expect(prefix === '' || graphemeEnds(full).has(prefix.length)).toBe(true);
}

describe('renderPost (property)', () => {
  it('fits every budget with the whole link exactly once, or fails only when the link alone cannot fit', () => {
    fc.assert(
      fc.property(setupArb, (setup) => {
        const { article: a } = setup;
        const article: Article = {
          id: 'guid',
          feedId: 'astanatimes',
          link: setup.article.padLink ? ` ${a.link}\n` : a.link,
          linkKey: a.link,
          title: a.title,
          summary: a.summary,
          categories: a.categories,
          ...(a.author !== undefined && { author: a.author }),
          ...(a.imageUrl !== undefined && { imageUrl: a.imageUrl }),
        };
        const layouts: Layout[] = setup.layouts.map((l, i) => ({
          name: `layout${i}`,
          needsImage: l.needsImage,
          budgets: l.budgets.map((b): Budget => ({ unit: b.unit, limit: b.limit, count: COUNTS[b.unit] })),
        }));
        const format = FORMATS[setup.format];
        const rules: PlatformRules = {
          defaultTemplate: setup.template,
          layouts,
          ...(format && { format }),
          ...(setup.maxHashtags !== undefined && { maxHashtags: setup.maxHashtags }),
        };
        const channel = channelBaseSchema.parse({ id: 'prop', hashtags: setup.hashtags, ...(setup.utm && { utm: setup.utm }) });
        const outcome = renderPost(article, channel, rules);

        const applicable = layouts.filter((l) => !l.needsImage || article.imageUrl);
        const link = withUtm(a.link, setup.utm);
        const linkText = setup.format === 'html' ? escapeHtml(link) : link;
        const linkAloneFits = (l: Layout) => l.budgets.every((b) => b.count(linkText) <= b.limit);

        if (!outcome.ok) {
          const last = applicable[applicable.length - 1];
          expect(last === undefined || !linkAloneFits(last)).toBe(true);
          return;
        }
        const { post } = outcome;
        const layout = applicable.find((l) => l.name === post.layout)!;
        expect(layout).toBeDefined();
        for (const [i, b] of layout.budgets.entries()) {
          expect(b.count(post.text)).toBeLessThanOrEqual(b.limit);
          expect(post.lengths[i]).toEqual({ unit: b.unit, length: b.count(post.text), limit: b.limit });
        }
        expect(post.link).toBe(link);
        expect(post.text.split(linkText).length - 1).toBe(1);
        expect(post.text).not.toMatch(LONE_SURROGATE);
        expect(post.hashtags.length).toBeLessThanOrEqual(Math.min(setup.hashtags.max, setup.maxHashtags ?? Infinity));
        expectCutOf(post.title, a.title);
        expectCutOf(post.summary, a.summary);
        if (!post.shortened) expect([post.title, post.summary]).toEqual([a.title, a.summary]);
        if (setup.format === 'html') {
          expect(post.text.replace(/&(amp|lt|gt|quot);/g, '')).not.toMatch(/&/);
          expect(post.text.replace(/<\/?b>/g, '')).not.toMatch(/[<>]/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
