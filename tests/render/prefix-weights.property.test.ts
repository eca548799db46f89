/** Prefix weights (Budget.prefixWeights) against the counts they stand for. */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type TwitterText from 'twitter-text';
import { xPrefixWeights } from '../../adapters/x-weights.ts';
import { graphemePrefixes, graphemes, utf8Bytes, utf8Prefixes } from '../../src/render/count.ts';

const twitter = createRequire(import.meta.url)('twitter-text') as typeof TwitterText;

const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('Kazakhstan', 'the', 'U.S.', '5.1%', ' ', ' ', '. ', ', ', '\n', '«', '»', '…', '–') },
  { weight: 2, arbitrary: fc.constantFrom('Қазақстан', '中文', 'ภาษาไทย', 'क्षत्रिय', 'e\u0301', '\u0301', 'ᄀ\u1161', 'Ｆｕｌｌ', '\uFEFF') },
  { weight: 2, arbitrary: fc.constantFrom('😀', '👨‍👩‍👧‍👦', '🏃‍♀️', '🇰🇿', '🇰🇿🇺🇸', '👍🏽', '1️⃣', '©', '❤️', '𝐀𝐁', '\u200D', '\uFE0F') },
  { weight: 1, arbitrary: fc.constantFrom('astanatimes.com', 'https://t.co/abc', 'example.kz/news?id=1', 'магазин.рф') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }) },
);
const text = fc.array(piece, { maxLength: 80 }).map((pieces) => pieces.join(''));
const LINK_LIKE = /:\/\/|\.\p{L}{2}/u;

const clusterEnds = (t: string) => [0, ...[...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(t)].map((s) => s.index + s.segment.length)];

describe('prefix weights (property)', () => {
  it('graphemes and UTF-8 bytes: exact at every grapheme boundary', () => {
    fc.assert(
      fc.property(text, (t) => {
        const g = graphemePrefixes(t);
        const b = utf8Prefixes(t);
        expect(g.length).toBe(t.length + 1);
        for (const end of clusterEnds(t)) {
          expect(g[end]).toBe(graphemes(t.slice(0, end)));
          expect(b[end]).toBe(utf8Bytes(t.slice(0, end)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("X: never more than parseTweet's weighted length of a prefix, and equal for text without links", () => {
    fc.assert(
      fc.property(text, (t) => {
        const w = xPrefixWeights(t);
        expect(w.length).toBe(t.length + 1);
        for (const end of clusterEnds(t)) {
          const prefix = t.slice(0, end);
          const counted = twitter.parseTweet(prefix.normalize('NFC').replace(/[\uFFFE\uFEFF\uFFFF]/g, '')).weightedLength;
          expect(w[end]).toBeLessThanOrEqual(counted);
          if (!LINK_LIKE.test(t) && t.normalize('NFC') === t && !/\u200D|\uFE0F|\p{RI}/u.test(prefix)) expect(w[end]).toBe(counted);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('X: a mark that composes once a forbidden character between is gone weighs nothing', () => {
    const t = 'Kazakhstan\uFEFF\u0301';
    expect(twitter.parseTweet(t.normalize('NFC').replace(/\uFEFF/g, '')).weightedLength).toBe(10);
    expect(xPrefixWeights(t)[t.length]).toBe(10);
  });
});
