/** Lower bounds of what plain text adds to a budget's count (Budget.prefixWeights), weighed only as far as needed. */
import type { Budget } from '../platform.ts';

export type PrefixWeights = NonNullable<Budget['prefixWeights']>;

/** The prefix weights of a text, at least as far as it weighs `room` (see `rememberingWeigh`). */
export type Weigh = (text: string, room: number) => ArrayLike<number>;

/** How much a budget leaves one piece of a post, and how that budget weighs text. */
export interface Allowance {
  room: number;
  weigh: Weigh;
}

/** A word may hold a link, whose weight only the whole word tells: text is weighed in whole words. */
const SPACE = /\s/gu;
/** Text is weighed in prefixes of about this many code units, then twice as many, and so on. */
const FIRST_PREFIX = 256;

/** Where the `n`th prefix of `text` that is weighed ends: at a word's end past FIRST_PREFIX × 2ⁿ code units. */
function prefixEnd(text: string, n: number): number {
  const size = FIRST_PREFIX * 2 ** n;
  if (size >= text.length) return text.length;
  SPACE.lastIndex = size;
  return Math.min(SPACE.test(text) ? SPACE.lastIndex - 1 : text.length, 2 * size);
}

/**
 * Weighs text by `prefixWeights` as far as needed: the weights of the whole text, or of a
 * prefix of it that ends a word and already weighs more than `room` (a 20,000-character
 * summary is not weighed whole to fit a post). Each prefix is weighed once, whatever text
 * it begins: a post is fitted by weighing the same texts again and again, and a long
 * summary is weighed before and after it is cut to what fitting reads of it.
 */
export function rememberingWeigh(prefixWeights: PrefixWeights): Weigh {
  const byPrefix = new Map<string, ArrayLike<number>>();
  const byText = new Map<string, ArrayLike<number>[]>();
  return (text, room) => {
    let prefixes = byText.get(text);
    if (!prefixes) {
      prefixes = [];
      byText.set(text, prefixes);
    }
    for (let n = 0; ; n++) {
      const end = prefixEnd(text, n);
      let sums = prefixes[n];
      if (!sums) {
        const prefix = text.slice(0, end);
        sums = byPrefix.get(prefix) ?? prefixWeights(prefix);
        byPrefix.set(prefix, sums);
        prefixes[n] = sums;
      }
      if (end >= text.length || sums[end]! > room) return sums;
    }
  };
}

/** The weight of the whole of `text`, or Infinity when what was weighed of it is past `room` already. */
export function weightOf(sums: ArrayLike<number>, text: string): number {
  return sums.length === text.length + 1 ? sums[text.length]! : Infinity;
}
