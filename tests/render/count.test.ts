import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { codePoints, graphemes, utf16, utf8Bytes } from '../../src/render/count.ts';

const segmented = (text: string) => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].length;

describe('length units', () => {
  it('counts a news line with emoji, flags, combining marks and astral letters in each unit', () => {
    const text = 'Қазақстан 🇰🇿 e\u0301 👨‍👩‍👧‍👦 𝐀 – “ok”\r\n';
    expect(graphemes(text)).toBe(25);
    expect(codePoints(text)).toBe(34);
    expect(utf16(text)).toBe(41);
    expect(utf8Bytes(text)).toBe(77);
  });

  it('counts CR LF as one grapheme and a lone CR or LF as one each', () => {
    expect(graphemes('a\r\nb')).toBe(3);
    expect(graphemes('a\n\rb')).toBe(4);
  });

  it('counts graphemes as the segmenter does, on the fast path and off it (property)', () => {
    const unit = fc.oneof(
      fc.constantFrom('a', 'Z', ' ', '\n', '\r', '\r\n', '\t', '\u00ad', 'é', 'ß', 'Ж', 'Қ', 'ң', '’', '–', '…', '‼', '\u0301', '\u0483', '\u200d', '\ufe0f', '🇰', '🇿', '👍🏽', '中'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 2 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), (text) => {
        expect(graphemes(text)).toBe(segmented(text));
      }),
      { numRuns: 1000 },
    );
  });
});
