import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { codePoints, graphemes, segmentedParts, utf16, utf8Bytes } from '../../src/render/count.ts';

const plainSegmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** Every grapheme of the text from the segmenter (counted in a loop: spreading 20,000 segments takes seconds). */
function segmented(text: string): number {
  let n = 0;
  for (const _ of plainSegmenter.segment(text)) n++;
  return n;
}

const char = (from: number, to: number) => fc.integer({ min: from, max: to }).map((c) => String.fromCodePoint(c));

/**
 * Pieces that join or split grapheme clusters in every way UAX #29 knows, and the
 * characters on both sides of each edge of the fast set.
 */
const clusterPiece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'Z', '7', ' ', '.', '#', 'é', 'ß', 'Ж', 'Қ', 'ң', 'ә', '’', '–', '…', '«', '»') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '\x0c', '\r', '\x0e', '\x7f', '\x85', '\xa8', '©', '\xaa', '\xad', '®', '\xaf', '\u02ff', '\u0300', '\u036f', '\u0370', '\u03ff',
      '\u0400', '\u0482', '\u0483', '\u0489', '\u048a', '\u052f', '\u0530', '\u200b', '\u200c', '\u200d', '\u200f', '\u2010', '\u2027',
      '\u2028', '\u2029', '\u202f', '\u2030', '\u203b', '‼', '\u203d', '\u2048', '⁉', '\u204a', '\u205e', '\u205f', '\u2060', '\u20e3',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom('\n', '\r', '\r\n', '\n\r', '\t') },
  { weight: 2, arbitrary: fc.oneof(char(0x300, 0x36f), char(0x483, 0x489), char(0x1ab0, 0x1aff), char(0x20d0, 0x20ff), char(0xfe20, 0xfe2f)) },
  { weight: 2, arbitrary: fc.constantFrom('\u200d', '\ufe0e', '\ufe0f', '\u{e0100}', '\u{1f3fb}', '\u{1f3fd}', '\u{1f3ff}') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('😀', '👍', '👍🏽', '❤', '❤️', '☺︎', '👨‍👩‍👧‍👦', '👩🏽‍🚀', '🏃‍♀️', '🏳️‍🌈', '1️⃣', '#️⃣', '🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}', '🤝', '🌍'),
  },
  { weight: 2, arbitrary: fc.oneof(char(0x1f000, 0x1faff), char(0x2600, 0x27bf)) },
  { weight: 3, arbitrary: char(0x1f1e6, 0x1f1ff) },
  { weight: 2, arbitrary: fc.oneof(char(0x1100, 0x115f), char(0x1160, 0x11a7), char(0x11a8, 0x11ff), fc.constantFrom('가', '각', '\ua960', '\ud7b0', '\ud7cb')) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      char(0x915, 0x939),
      fc.constantFrom('\u094d', '\u093c', '\u093f', '\u0940', '\u0903', '\u0901', 'क्ष', 'क्\u200dष', 'क्\u200cष', '\u0d4e', '\u0e40', '\u0e33'),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('\u0600', '\u0605', '\u06dd', '\u070f', '\u08e2', '\u{110bd}', '\u{111c2}', 'ب', '\u064b') },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udc00', '\udbff', '中', '日本', '𝐀', 'ｗ') },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 2 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }) },
);
/** Mostly fast text with a few pieces of the rest, and the other way round. */
const clusterText = fc.oneof(
  fc.array(clusterPiece, { maxLength: 40 }).map((pieces) => pieces.join('')),
  fc
    .array(fc.tuple(fc.string({ unit: fc.constantFrom('a', ' ', 'Ж', '–'), maxLength: 4 }), clusterPiece), { maxLength: 12 })
    .map((pairs) => pairs.flat().join('')),
);

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

  it('joins fast characters to the marks, joiners and emoji around them', () => {
    expect(graphemes('©\u200d👍')).toBe(1);
    expect(graphemes('👍\u200d‼\u0301 x')).toBe(3);
    expect(graphemes('Ж\u0301\u0308Ж')).toBe(2);
    expect(graphemes('a🇰b🇿c🇰🇿🇰')).toBe(7);
    expect(graphemes('\u0600a\u0903')).toBe(1);
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

  it('counts graphemes as the segmenter does across emoji, flags, jamo, Indic conjuncts and the edges of the fast set (property)', () => {
    fc.assert(
      fc.property(clusterText, (text) => {
        expect(graphemes(text)).toBe(segmented(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('counts a 20,000-character text of news with emoji as the segmenter does', () => {
    const sentences = ['The event gathered 300 participants 🇰🇿🤝🌍. ', 'Local residents welcomed it 👍🏽, «Әділетті Қазақстан». ', 'Marathon 🏃‍♀️🏃 e\u0301\r\n'];
    let text = '';
    for (let i = 0; text.length < 20_000; i++) text += sentences[i % sentences.length]!;
    expect(graphemes(text)).toBe(segmented(text));
  });
});

describe('segmentedParts: what must be segmented', () => {
  it('yields nothing for text of fast characters only', () => {
    expect([...segmentedParts('Қазақстан – “ok”, 5.1%\n')]).toEqual([]);
  });

  it('yields each stretch of other characters with the character on either side', () => {
    expect([...segmentedParts('ab👍cd')]).toEqual(['b👍c']);
    expect([...segmentedParts('👍cd\u0301')]).toEqual(['👍c', 'd\u0301']);
    expect([...segmentedParts('a\r\n')]).toEqual(['a\r\n']);
  });

  it('merges stretches with fewer than two fast characters between them, so that parts never overlap', () => {
    expect([...segmentedParts('a👍b🇰c')]).toEqual(['a👍b🇰c']);
    expect([...segmentedParts('a👍bc🇰d')]).toEqual(['a👍b', 'c🇰d']);
  });

  it('cuts the text only at grapheme boundaries, and leaves only single-unit clusters outside the parts (property)', () => {
    fc.assert(
      fc.property(clusterText, (text) => {
        const clusters = [...plainSegmenter.segment(text)];
        const boundaries = new Set(clusters.map((s) => s.index));
        boundaries.add(text.length);
        let from = 0;
        let outside = 0;
        for (const part of segmentedParts(text)) {
          const at = text.indexOf(part, from);
          expect(at).toBeGreaterThanOrEqual(from);
          expect(boundaries.has(at) && boundaries.has(at + part.length)).toBe(true);
          outside += at - from;
          from = at + part.length;
        }
        outside += text.length - from;
        const singles = clusters.filter((s) => s.segment.length === 1).length;
        expect(singles).toBeGreaterThanOrEqual(outside);
      }),
      { numRuns: 5_000 },
    );
  });
});
