/**
 * shorten finds the last sentence end before a cut without segmenting in the commonest
 * case, and else by segmenting only up to the first letter past the cut: the sentence
 * ends it finds are those of the whole text.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lastSentenceEnd } from '../../src/render/shorten.ts';
import { ABBREVIATION } from '../../src/text/sentences.ts';
import { textAndReach } from '../helpers/text-and-reach.ts';

const SPACE = /\s/u;
const usable = (text: string, end: number, reach: number) =>
  end > text.length - text.trimStart().length &&
  end < text.trimEnd().length &&
  end <= reach &&
  !(text[end - 1] === '.' && ABBREVIATION.test(text.slice(Math.max(0, end - 24), end)));

/** lastSentenceEnd as it was before its scope was cut short, with the whole text segmented. */
function lastSentenceEndOfWhole(text: string, reach: number): number | undefined {
  const segments = new Intl.Segmenter('en', { granularity: 'sentence' }).segment(text);
  for (let at = Math.min(reach, text.length - 1); at >= 0; ) {
    const { index, segment } = segments.containing(at)!;
    const end = index + segment.trimEnd().length;
    if (index < reach && usable(text, end, reach)) return end;
    let before = index;
    while (before > 0 && SPACE.test(text[before - 1]!)) before--;
    if (usable(text, before, reach)) return before;
    at = index - 1;
  }
  return undefined;
}

/** What decides whether a sentence ends: terminators, closers, spaces and separators, then small, capital and uncased letters, digits, marks. */
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('.', '. ', '.  ', '!', '?', '…', '。', '! ', '? ', ' ', '  ', '\n', '\n\n', '\u2029', '\r\n', '\t', '\u00a0', '\u3000') },
  { weight: 2, arbitrary: fc.constantFrom('"', "'", '”', '’', '»', ')', ']', '(', '“', '«', ',', ';', ':', '-', '–', '—', '/', '5', '1.2', '%', '$', '#', '@') },
  { weight: 4, arbitrary: fc.constantFrom('a', 'the', 'kazakh', 'B', 'Astana', 'U.S.', 'Mr.', 'etc.', 'e.g.', 'No.', 'Қазақстан', 'астана', 'Ж', 'ǅ', 'ß') },
  { weight: 2, arbitrary: fc.constantFrom('中文', '日本語', 'ｱﾞ', 'ﾞ', 'ﾟ', 'ภาษา', 'עברית', 'الأخبار', 'ʰ', 'ª', 'Ⓐ', 'ⓐ', 'Ⅻ', 'ⅻ', '𝐀', '𝐚', '𐐀', '𐐨') },
  { weight: 2, arbitrary: fc.constantFrom('\u0301', 'e\u0301', '\u200d', '\u2060', '\u00ad', '\ufeff', '\u200e', '😀', '👍🏽', '🇰🇿', '1️⃣') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }) },
);

/** News text: words, figures, abbreviations and sentence ends as leads have them. */
const newsPiece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('Kazakhstan', 'the', 'reform', 'Astana', 'U.S.', 'Mr.', 'No.', 'etc.', '5.1%', '$1.2', 'co-chaired', 'Қазақстан', '“New”', '(AT&T)', '«Мы»', '👍🏽', 'e\u0301', 'A', 'i', 'x') },
  { weight: 6, arbitrary: fc.constantFrom(' ', ' ', ' ', '. ', '. ', '! ', '? ', '.', ', ', ' – ', '  ', '.  ', '." ', '.) ', '\n', '\t', '\u00a0', '\u2028', '…', '.5', '. 5', '. a', '. (', '. “') },
);

/** On 10,000 texts of `piece`s, the end lastSentenceEnd finds is the one segmenting the whole text finds. */
function expectWholeTextEnds(piece: fc.Arbitrary<string>, maxPieces: number): void {
  fc.assert(
    fc.property(textAndReach(piece, maxPieces), ({ text, reach }) => {
      expect(lastSentenceEnd(text, reach)).toBe(lastSentenceEndOfWhole(text, reach));
    }),
    { numRuns: 10000 },
  );
}

describe('lastSentenceEnd', () => {
  it('finds the sentence end that segmenting the whole text finds (property)', () => {
    expectWholeTextEnds(piece, 80);
  });

  it('finds a sentence that a separator ends, or a terminator other than . ! ?, after the last full stop', () => {
    const cases: [string, number, number][] = [
      ['Foo. Bar baz \nQux', 13, 12],
      ['Foo. Bar baz \u2029Qux', 13, 12],
      ['Foo. Bar\nBaz and more', 10, 8],
      ['Foo. Bar\u2028Baz and more', 10, 8],
      ['Foo. Bar\u0085Baz and more', 12, 9],
      ['Foo. Bar\u2024 Baz and more', 12, 9],
      ['Foo. Bar\u0589 Baz and more', 12, 9],
      ['Foo. Bar\u203c Baz and more', 12, 9],
      ['Foo. Bar\u3002Baz and more', 12, 9],
      ['Foo. Bar baz qux', 12, 4],
    ];
    for (const [text, reach, end] of cases) {
      expect(lastSentenceEnd(text, reach)).toBe(end);
      expect(lastSentenceEndOfWhole(text, reach)).toBe(end);
    }
  });

  it('finds it in news text (property)', () => {
    expectWholeTextEnds(newsPiece, 60);
  });
});
