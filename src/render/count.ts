/** Length units the platforms count in. */

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Characters that never join one another into a grapheme cluster: ASCII but CR, Latin-1 and
 * Latin Extended, Cyrillic but its combining marks, general punctuation but the joiners,
 * and no emoji (© ® ‼ ⁉ are left out: a ZWJ before them joins). Each is one BMP code unit;
 * between two of them there is always a boundary, and whether there is one between one of
 * them and another character depends on those two characters alone. Most news text is
 * made of them.
 */
const FAST = String.raw`\0-\x0c\x0e-\xa8\xaa-\xad\xaf-\u02ff\u0400-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u203b\u203d-\u2048\u204a-\u205e`;

/** Characters outside FAST, with fewer than two FAST characters between any two of them. */
const SLOW_STRETCH = new RegExp(`[^${FAST}]+(?:[${FAST}][^${FAST}]+)*`, 'g');

/**
 * The parts of `text` that must be segmented to find its grapheme clusters: each stretch
 * of characters outside the fast set (see FAST), widened by the character on either side.
 * Each part begins and ends at a cluster boundary of `text` and is segmented as it is in
 * `text`; every character outside the parts is a cluster of its own, one UTF-16 unit, and
 * not an emoji. Segmenting is slow (microseconds a character), these parts are short.
 */
export function* segmentedParts(text: string): Generator<string> {
  for (const stretch of text.matchAll(SLOW_STRETCH)) {
    yield text.slice(Math.max(0, stretch.index - 1), stretch.index + stretch[0].length + 1);
  }
}

export function graphemes(text: string): number {
  let n = text.length;
  for (const part of segmentedParts(text)) {
    n -= part.length;
    for (const _ of graphemeSegmenter.segment(part)) n++;
  }
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
