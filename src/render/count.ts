/** Length units the platforms count in. */

import { segmenter } from '../text/segmenters.ts';

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
    for (const _ of segmenter('grapheme').segment(part)) n++;
  }
  return n;
}

/**
 * Graphemes of each prefix of `text`: element i is `graphemes(text.slice(0, i))` at a
 * cluster boundary; a cluster counts from its first code unit.
 */
export function graphemePrefixes(text: string): Float64Array {
  const starts = new Uint8Array(text.length).fill(1);
  for (const stretch of text.matchAll(SLOW_STRETCH)) {
    const from = Math.max(0, stretch.index - 1);
    const part = text.slice(from, stretch.index + stretch[0].length + 1);
    starts.fill(0, from, from + part.length);
    for (const { index } of segmenter('grapheme').segment(part)) starts[from + index] = 1;
  }
  return cumulative(starts);
}

/** UTF-8 bytes of each prefix of `text` (a lone surrogate counts the 3 bytes of U+FFFD). */
export function utf8Prefixes(text: string): Float64Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes[i++] = 4;
    } else {
      bytes[i] = unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
    }
  }
  return cumulative(bytes);
}

/** Running sums of `increments`, starting at 0: element i is the sum of the first i. */
export function cumulative(increments: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(increments.length + 1);
  for (let i = 0; i < increments.length; i++) sums[i + 1] = sums[i]! + increments[i]!;
  return sums;
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
