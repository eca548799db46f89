import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { shorten } from '../../src/render/shorten.ts';
import { ABBREVIATION } from '../../src/text/sentences.ts';

const atMost = (n: number) => (candidate: string) => candidate.length <= n;
const graphemeEnds = (text: string) => new Set([...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].map((s) => s.index + s.segment.length));
const LONE_SURROGATE = /\p{Cs}/u;

const LEAD =
  'ASTANA – Assistant to the President of Kazakhstan for International Affairs Erzhan Kazykhan and U.S. Under Secretary of State ' +
  'Uzra Zeya co-chaired the third meeting of the High-Level Dialogue on May 20. During the meeting, the parties discussed cooperation. ' +
  'The sides focused on reform.';

describe('shorten', () => {
  it('cuts at the last sentence boundary that fits, with no "…" after its full stop', () => {
    expect(shorten(LEAD, atMost(258))).toBe(
      'ASTANA – Assistant to the President of Kazakhstan for International Affairs Erzhan Kazykhan and U.S. Under Secretary of State ' +
        'Uzra Zeya co-chaired the third meeting of the High-Level Dialogue on May 20. During the meeting, the parties discussed cooperation.',
    );
    expect(shorten(LEAD, atMost(257))).toBe(
      'ASTANA – Assistant to the President of Kazakhstan for International Affairs Erzhan Kazykhan and U.S. Under Secretary of State ' +
        'Uzra Zeya co-chaired the third meeting of the High-Level Dialogue on May 20.',
    );
  });

  it('does not take initials or titles for the end of a sentence', () => {
    expect(shorten('The U.S. Department of State and Mr. Tokayev agreed. Both sides then met again.', atMost(60))).toBe(
      'The U.S. Department of State and Mr. Tokayev agreed.',
    );
    expect(shorten('The U.S. Department of State issued a statement on it. More.', atMost(50))).toBe(
      'The U.S. Department of State issued a statement…',
    );
    // A cut inside initials is a cut, so it is marked even after a full stop (found by the property below).
    expect(shorten('U.S.  ', atMost(3))).toBe('U.…');
    expect(shorten('……!', atMost(3))).toBe('……');
  });

  it('falls back to a word boundary when no sentence fits', () => {
    expect(shorten(LEAD, atMost(60))).toBe('ASTANA – Assistant to the President of Kazakhstan for…');
    expect(shorten('Kazakhstan’s reform agenda, “New Kazakhstan”, moves on', atMost(30))).toBe('Kazakhstan’s reform agenda…');
    expect(shorten('human rights-related matters', atMost(21))).toBe('human rights-related…');
    expect(shorten('human rights-related matters', atMost(20))).toBe('human rights…');
  });

  it('falls back to a grapheme boundary when no word fits', () => {
    expect(shorten('Supercalifragilistic expialidocious', atMost(8))).toBe('Superca…');
  });

  it('cuts only at the levels it is given, in their order', () => {
    expect(shorten('Supercalifragilistic expialidocious', atMost(8), ['sentence', 'word'])).toBeUndefined();
    expect(shorten('One. Two three four five six.', atMost(20), ['word', 'grapheme'])).toBe('One. Two three four…');
  });

  it('returns undefined when nothing fits, and never returns the whole text or a bare ellipsis', () => {
    expect(shorten(LEAD, () => false)).toBeUndefined();
    expect(shorten('Short', () => true)).toBe('Shor…');
    expect(shorten('   ', () => true)).toBeUndefined();
    expect(shorten('A', () => true)).toBeUndefined();
  });

  it('never splits an emoji ZWJ sequence, a flag, a surrogate pair or a combining sequence', () => {
    const family = '👨‍👩‍👧‍👦';
    expect(shorten(family.repeat(3), atMost(21))).toBe(`${family}…`);
    expect(shorten(family.repeat(3), atMost(11))).toBeUndefined();
    expect(shorten('🇰🇿🇺🇸🇰🇿', atMost(8))).toBe('🇰🇿…');
    expect(shorten('𝐀𝐁𝐂𝐃', atMost(4))).toBe('𝐀…');
    expect(shorten('e\u0301e\u0301e\u0301', atMost(4))).toBe('e\u0301…');
    expect(shorten('क्षत्रिय', atMost(4))).toBe('क्ष…');
  });

  it('finds the cut by galloping and binary search: a 20,000-character text takes few attempts', () => {
    const text = 'Kazakhstan and the United States held talks on reform. '.repeat(360).slice(0, 20_000);
    let attempts = 0;
    const result = shorten(text, (c) => {
      attempts++;
      return c.length <= 5000;
    });
    expect(result).toBe('Kazakhstan and the United States held talks on reform. '.repeat(90).trimEnd());
    expect(attempts).toBeLessThanOrEqual(30);
  });

  it('returns a fitting prefix at a grapheme boundary, ending in … or a sentence end and never in two ellipses, without lone surrogates (property)', () => {
    const unit = fc.oneof(
      fc.constantFrom(' ', '. ', '! ', 'U.S. ', ',', '<', '&amp;', '"', '…', '\u00a0', 'Қ', '中', 'Ａ', '😀', '👨‍👩‍👧‍👦', '🇰🇿', 'e\u0301', 'क्ष', '𝐀'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 200 }), (text, limit) => {
        const result = shorten(text, atMost(limit));
        const firstCut = [...graphemeEnds(text)].filter((end) => text.slice(0, end).trim() && end < text.trimEnd().length);
        const smallest = Math.min(...firstCut.map((end) => text.slice(0, end).trimEnd().length + 1));
        if (result === undefined) {
          expect(smallest > limit || firstCut.length === 0).toBe(true);
          return;
        }
        expect(result.length).toBeLessThanOrEqual(limit);
        const endsSentence = (t: string) => /[.!?…。！？](?:["'”’»)\]]*)$/u.test(t);
        // The result is either a prefix ending a sentence, or a prefix plus the '…' that marks a cut.
        const unmarked = text.startsWith(result) && result.length < text.trimEnd().length;
        const marked = !unmarked && result.endsWith('…') && text.startsWith(result.slice(0, -1));
        expect(marked || (unmarked && endsSentence(result))).toBe(true);
        if (marked) expect(endsSentence(result.slice(0, -1)) && !ABBREVIATION.test(result.slice(0, -1))).toBe(false);
        // A cut is never marked after an ellipsis the text already has; a prefix may end in the text's own '……'.
        if (marked) expect(result).not.toMatch(/(?:…|\.\.\.)…$/);
        const prefix = marked ? result.slice(0, -1) : result;
        expect(text.startsWith(prefix)).toBe(true);
        expect(prefix.length).toBeLessThan(text.trimEnd().length);
        expect(prefix.trim()).not.toBe('');
        expect(graphemeEnds(text).has(prefix.length)).toBe(true);
        expect(result).not.toMatch(LONE_SURROGATE);
      }),
      { numRuns: 400 },
    );
  });
});
