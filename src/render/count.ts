/** Length units the platforms count in. */

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function graphemes(text: string): number {
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
