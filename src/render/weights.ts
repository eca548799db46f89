/** Lower bounds of what plain text adds to a budget's count (Budget.prefixWeights), weighed only as far as needed. */
import type { Budget } from '../platform.ts';

export type PrefixWeights = NonNullable<Budget['prefixWeights']>;

/** The prefix weights of a text, at least as far as it weighs `room` (see `weighUpTo`). */
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

/**
 * The prefix weights of `text`, or of a prefix of it that ends a word and already weighs
 * more than `room` (a 20,000-character summary is not weighed whole to fit a post).
 */
export function weighUpTo(prefixWeights: PrefixWeights, text: string, room: number): ArrayLike<number> {
  for (let size = FIRST_PREFIX; ; size *= 2) {
    SPACE.lastIndex = size;
    const space = size < text.length && SPACE.test(text) ? SPACE.lastIndex - 1 : text.length;
    const end = Math.min(space, 2 * size);
    const sums = prefixWeights(text.slice(0, end));
    if (end >= text.length || sums[end]! > room) return sums;
  }
}

/**
 * `weighUpTo` remembering the weights of each prefix it weighed: a post is fitted by
 * weighing the same texts (and prefixes of a long summary) again and again.
 */
export function rememberingWeigh(prefixWeights: PrefixWeights): Weigh {
  const weighed = new Map<string, ArrayLike<number>>();
  const remembered = (text: string): ArrayLike<number> => {
    let sums = weighed.get(text);
    if (!sums) {
      sums = prefixWeights(text);
      weighed.set(text, sums);
    }
    return sums;
  };
  return (text, room) => weighUpTo(remembered, text, room);
}

/** The weight of the whole of `text`, or Infinity when what was weighed of it is past `room` already. */
export function weightOf(sums: ArrayLike<number>, text: string): number {
  return sums.length === text.length + 1 ? sums[text.length]! : Infinity;
}
