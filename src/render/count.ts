/** Length units the platforms count in. */

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Text made only of characters that never join a neighbour into one grapheme cluster
 * (ASCII but CR, Latin-1 and Latin Extended, Cyrillic but its combining marks, general
 * punctuation but the joiners): one grapheme per UTF-16 unit. Segmenting is slow
 * (microseconds a character) and most news text is like this.
 */
const ONE_UNIT_PER_GRAPHEME = /^[\0-\x0c\x0e-\u02ff\u0400-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u205e]*$/;

export function graphemes(text: string): number {
  if (ONE_UNIT_PER_GRAPHEME.test(text)) return text.length;
  let n = 0;
  for (const _ of graphemeSegmenter.segment(text)) n++;
  return n;
}

export function utf16(text: string): number {
  return text.length;
}

export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
