/**
 * Words a platform may take for a link or a mention, which it counts at a fixed weight or
 * shortened: what such a word adds to a post is not known before the post is counted.
 */
import { charClass } from '../src/text/char-class.ts';

const isLetter = charClass(/^\p{L}$/u);

/** A scheme ("https://") or a dot before two letters, as a top-level domain needs ("astanatimes.com"). */
export function mayBeLink(text: string): boolean {
  if (text.includes('://')) return true;
  for (let dot = text.indexOf('.'); dot >= 0; dot = text.indexOf('.', dot + 1)) {
    const first = text.codePointAt(dot + 1);
    if (first === undefined || !isLetter(first)) continue;
    const second = text.codePointAt(dot + (first > 0xffff ? 3 : 2));
    if (second !== undefined && isLetter(second)) return true;
  }
  return false;
}

/**
 * The prefix weights `sums` (see Budget.prefixWeights) with the weight of each
 * whitespace-delimited word of `text` that `counted` says the platform counts otherwise
 * taken out. `counted` holds for a text when it holds for a word of it.
 */
export function withoutWords(sums: ArrayLike<number>, text: string, counted: (text: string) => boolean): ArrayLike<number> {
  if (!counted(text)) return sums;
  const result = Float64Array.from(sums);
  let removed = 0;
  let from = 0;
  for (const word of text.matchAll(/\S+/gu)) {
    const end = word.index + word[0].length;
    if (!counted(word[0])) continue;
    for (let i = from; i <= word.index; i++) result[i] = sums[i]! - removed;
    for (let i = word.index + 1; i <= end; i++) result[i] = sums[word.index]! - removed;
    removed += sums[end]! - sums[word.index]!;
    from = end + 1;
  }
  for (let i = from; i <= text.length; i++) result[i] = sums[i]! - removed;
  return result;
}
