/** shorten finds the last word end before a cut without segmenting in the commonest case: the word end that segmenting the whole text finds. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lastWordEnd } from '../../src/render/shorten.ts';
import { textAndReach } from '../helpers/text-and-reach.ts';

/** The last end of a word (letters or digits) up to `reach` that a cut may take, of the whole text segmented. */
function lastWordEndOfWhole(text: string, reach: number): number | undefined {
  const firstVisible = text.length - text.trimStart().length;
  const whole = text.trimEnd().length;
  let last: number | undefined;
  for (const { segment, index, isWordLike } of new Intl.Segmenter('en', { granularity: 'word' }).segment(text)) {
    if (index >= reach) break;
    const end = index + segment.length;
    if (isWordLike && end > firstVisible && end < whole && end <= reach) last = end;
  }
  return last;
}

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('Kazakhstan', 'the', 'a', 'I', 'C5', '2024', '5.1%', '1,000', '$1.2', 'U.S.', 'e.g.', "can't", 'it’s', 'co-chaired', 'AT&T', 'foo_bar', 'x') },
  { weight: 6, arbitrary: fc.constantFrom(' ', ' ', ' ', '  ', '. ', ', ', ' – ', '-', '.', ',', ':', "'", '’', '"', '(', ')', '\n', '\t', '\u00a0', '\u200b', '\u00ad') },
  { weight: 2, arbitrary: fc.constantFrom('Қазақстан', 'é', 'e\u0301', '\u0301', '中文', 'ภาษา', '👍🏽', '🇰🇿', '\u200d', '\ufe0f', '𝐀', 'ß', 'ﬁ') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
);

describe('lastWordEnd', () => {
  it('finds the word end that segmenting the whole text finds (property)', () => {
    fc.assert(
      fc.property(textAndReach(piece, 60), ({ text, reach }) => {
        expect(lastWordEnd(text, reach)).toBe(lastWordEndOfWhole(text, reach));
      }),
      { numRuns: 10000 },
    );
  });
});
