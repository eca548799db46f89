/** Shortening plain text to fit: cut at the best boundary that leaves room, and mark the cut with '…'. */
import { charClass } from '../text/char-class.ts';
import { segmenter } from '../text/segmenters.ts';
import { ABBREVIATION, SENTENCE_END } from '../text/sentences.ts';
import { weightOf, type Allowance } from './weights.ts';

export type BoundaryLevel = 'sentence' | 'word' | 'grapheme';

const ELLIPSIS = '…';
const FULL_STOP = 0x2e;
const LOOKAHEAD = 256;

/**
 * Offsets where a prefix may end, ascending, up to `reach`; each leaves a non-empty prefix
 * shorter than the text. Only the text near `reach` is segmented (a 20,000-character
 * summary cut to a few hundred is not segmented whole): the segmenter sees
 * `LOOKAHEAD` characters past it, and at least one that is not whitespace, so the
 * boundaries it reports up to `reach` are those of the whole text.
 */
function boundaries(text: string, level: BoundaryLevel, reach: number, from = 0, scopeEnd = scopeEndOf(text, reach)): number[] {
  const ends: number[] = [];
  for (const { segment, index, isWordLike } of segmenter(level).segment(text.slice(from, scopeEnd))) {
    if (from + index >= reach) break;
    if (level === 'word' && !isWordLike) continue;
    const end = from + index + (level === 'sentence' ? segment.trimEnd().length : segment.length);
    if (level === 'sentence' && endsInAbbreviation(text, end)) continue;
    ends.push(end);
  }
  const firstVisible = text.length - text.trimStart().length;
  const whole = text.trimEnd().length;
  return ends.filter((end) => end > firstVisible && end < whole && end <= reach);
}

const isAsciiLetter = (unit: number) => (unit >= 0x61 && unit <= 0x7a) || (unit >= 0x41 && unit <= 0x5a);

/**
 * Whether the text up to `end` ends with the full stop of initials or a title (ABBREVIATION);
 * after a word of five letters or more it does not, which is told without the expression.
 */
function endsInAbbreviation(text: string, end: number): boolean {
  if (text.charCodeAt(end - 1) !== FULL_STOP) return false;
  let letters = 0;
  while (letters < 5 && isAsciiLetter(text.charCodeAt(end - 2 - letters))) letters++;
  return letters < 5 && ABBREVIATION.test(text.slice(Math.max(0, end - 24), end));
}

function scopeEndOf(text: string, reach: number): number {
  const visibleAfter = /\S/gu;
  visibleAfter.lastIndex = reach + LOOKAHEAD;
  return visibleAfter.test(text) ? visibleAfter.lastIndex : text.length;
}

const SPACE = /\s/u;
/** A mark, joiner or format character sticks to a space before it: a word cannot be segmented from there. */
const STICKS_TO_SPACE = /[\p{M}\p{Cf}]/u;

const isDigit = (unit: number) => unit >= 0x30 && unit <= 0x39;
const isAsciiLetterOrDigit = (unit: number) => isAsciiLetter(unit) || isDigit(unit);

/**
 * `lastWordEnd` without segmenting, in the commonest case: `reach` ends a word of ASCII
 * letters and digits before a space, or falls inside one that a space and such a word
 * come before (no word boundary is found between two letters or digits, and one always
 * between one of them and a space). Undefined when it takes segmenting to tell.
 */
function plainWordEnd(text: string, reach: number): number | undefined {
  if (!isAsciiLetterOrDigit(text.charCodeAt(reach - 1))) return undefined;
  const after = text.charCodeAt(reach);
  if (after === 0x20) return reach < text.trimEnd().length ? reach : undefined;
  if (!isAsciiLetterOrDigit(after)) return undefined;
  let start = reach - 1;
  while (start > 0 && isAsciiLetterOrDigit(text.charCodeAt(start - 1))) start--;
  return text.charCodeAt(start - 1) === 0x20 && isAsciiLetterOrDigit(text.charCodeAt(start - 2)) ? start - 1 : undefined;
}

/**
 * The last word end up to `reach`, found by segmenting only the words around it (word
 * segmentation is slow, and a word's boundaries depend on nothing past the spaces around
 * it); from the start as `boundaries` does when the text has no space near `reach`.
 */
export function lastWordEnd(text: string, reach: number): number | undefined {
  const plainEnd = plainWordEnd(text, reach);
  if (plainEnd !== undefined) return plainEnd;
  const spaceAfter = text.slice(reach).search(SPACE);
  const scopeEnd = spaceAfter < 0 ? scopeEndOf(text, reach) : Math.min(reach + spaceAfter + 1, scopeEndOf(text, reach));
  let from = reach;
  while (from > 0 && reach - from <= LOOKAHEAD) {
    from--;
    while (from > 0 && (!SPACE.test(text[from - 1]!) || STICKS_TO_SPACE.test(text[from]!))) from--;
    const ends = boundaries(text, 'word', reach, from, scopeEnd);
    if (ends.length > 0) return ends[ends.length - 1];
  }
  return from === 0 ? undefined : boundaries(text, 'word', reach).at(-1);
}

/** Whether a cut up to `reach` may end a sentence at `end`: within the visible text, not after an abbreviation. */
function usableSentenceEnd(text: string, end: number, reach: number): boolean {
  const firstVisible = text.length - text.trimStart().length;
  const whole = text.trimEnd().length;
  return end > firstVisible && end < whole && end <= reach && !endsInAbbreviation(text, end);
}

/** A letter (not one that extends the character before it): ICU's Upper, Lower or OLetter for sentences. */
const isLetter = charClass(/^(?!\p{Grapheme_Extend})\p{L}$/u);

/**
 * How much of `text` tells its sentence boundaries up to `reach`: up to the first letter
 * from `reach` on (ICU decides whether a sentence ends after a full stop by what follows
 * it up to the first letter: a small one continues it); when no letter comes within
 * LOOKAHEAD characters, what `boundaries` segments.
 */
function sentenceScopeEnd(text: string, reach: number): number {
  const end = Math.min(text.length, reach + LOOKAHEAD);
  for (let i = reach; i < end; i++) {
    const cp = text.codePointAt(i)!;
    if (isLetter(cp)) return cp > 0xffff ? i + 2 : i + 1;
  }
  return scopeEndOf(text, reach);
}

/**
 * Whether a code unit is neither a sentence terminator nor a separator (Unicode's STerm,
 * ATerm, Sep, CR, LF): no sentence ends right after it. Most news text is made of these.
 */
function neverEndsSentence(unit: number): boolean {
  if (unit < 0x80) return unit >= 0x20 ? unit !== 0x21 && unit !== FULL_STOP && unit !== 0x3f : unit === 0x09;
  if (unit <= 0x588) return unit >= 0xa0;
  if (unit >= 0x2010 && unit <= 0x203b) return unit !== 0x2024 && unit !== 0x2028 && unit !== 0x2029;
  // Emoji, their modifiers and joiners.
  return (unit >= 0xd83c && unit <= 0xd83e) || (unit >= 0xdc00 && unit <= 0xdfff) || unit === 0x200d || unit === 0xfe0f;
}

const isCapitalAtoZ = (unit: number) => unit >= 0x41 && unit <= 0x5a;

/**
 * `lastSentenceEnd` without segmenting, in the commonest case: the last mark before
 * `reach` that may end a sentence is a full stop, exclamation or question mark followed
 * by spaces and a capital A to Z (a sentence ends there, by every rule of Unicode's), and
 * only spaces follow `reach` up to what is not whitespace. Undefined when it takes
 * segmenting to tell.
 */
function plainSentenceEnd(text: string, reach: number): number | undefined {
  for (let after = reach; after < text.length && SPACE.test(text[after]!); after++) if (text.charCodeAt(after) !== 0x20) return undefined;
  for (let i = reach - 1; i >= 0; i--) {
    const unit = text.charCodeAt(i);
    if (neverEndsSentence(unit)) continue;
    // A full stop before a digit ("5.1%") ends no sentence.
    if (unit === FULL_STOP && isDigit(text.charCodeAt(i + 1))) continue;
    if (unit !== FULL_STOP && unit !== 0x21 && unit !== 0x3f) return undefined;
    let next = i + 1;
    while (text.charCodeAt(next) === 0x20) next++;
    return next > i + 1 && isCapitalAtoZ(text.charCodeAt(next)) && usableSentenceEnd(text, i + 1, reach) ? i + 1 : undefined;
  }
  return undefined;
}

/** The last sentence end up to `reach`, found by segmenting backwards from it. */
export function lastSentenceEnd(text: string, reach: number): number | undefined {
  const plainEnd = plainSentenceEnd(text, reach);
  if (plainEnd !== undefined) return plainEnd;
  const scope = text.slice(0, sentenceScopeEnd(text, reach));
  const segments = segmenter('sentence').segment(scope);
  for (let at = Math.min(reach, scope.length - 1); at >= 0; ) {
    const { index, segment } = segments.containing(at)!;
    const end = index + segment.trimEnd().length;
    if (index < reach && usableSentenceEnd(text, end, reach)) return end;
    // The sentence before ends where this one starts, less the spaces it ends with.
    let before = index;
    while (before > 0 && SPACE.test(text[before - 1]!)) before--;
    if (usableSentenceEnd(text, before, reach)) return before;
    at = index - 1;
  }
  return undefined;
}

function lastBoundary(text: string, level: BoundaryLevel, reach: number): number | undefined {
  if (level === 'word') return lastWordEnd(text, reach);
  if (level === 'sentence') return lastSentenceEnd(text, reach);
  return boundaries(text, level, reach).at(-1);
}

/**
 * As much of `text` as shortening it to at most `reach` reads: a long text can be cut to
 * this before it is shortened, with the same outcome.
 */
export function scopeOf(text: string, reach: number): string {
  return text.slice(0, scopeEndOf(text, reach));
}

/** Drops trailing whitespace a grapheme cluster at a time, so no cluster is split. */
function trimEndClusters(text: string): string {
  if (!SPACE.test(text.slice(-1))) return text;
  let end = text.length;
  while (end > 0) {
    const last = segmenter('grapheme').segment(text).containing(end - 1)!;
    if (last.segment.trim() !== '') break;
    end = last.index;
  }
  return text.slice(0, end);
}

const ONLY_CLOSERS = /^["'”’»)\]]*$/u;

/** Enough of the end of `text` to tell whether it ends a sentence (the mark and the quotes or brackets after it). */
function lastChars(text: string): string {
  const tail = text.slice(-32);
  return ONLY_CLOSERS.test(tail) ? text : tail;
}

/** The prefix up to `end`, marked as cut with '…' unless it ends a sentence or is marked already. */
function candidate(text: string, end: number): string {
  const prefix = trimEndClusters(text.slice(0, end));
  const endsSentence = SENTENCE_END.test(lastChars(prefix)) && !endsInAbbreviation(prefix, prefix.length);
  return endsSentence ? prefix : prefix + ELLIPSIS;
}

function splitsSurrogatePair(text: string, end: number): boolean {
  const before = text.charCodeAt(end - 1);
  return before >= 0xd800 && before <= 0xdbff;
}

/**
 * How far into the text a cut can possibly be: the longest prefix that fits, cut
 * anywhere but inside a surrogate pair (so `fits` only sees well-formed text).
 * Boundaries past it need not be looked for. Galloping from the start keeps every
 * attempt shorter than twice the answer, however long the text.
 */
function reachOf(text: string, fits: (candidate: string) => boolean): number {
  const wholePairs = (end: number) => (splitsSurrogatePair(text, end) ? end + 1 : end);
  const fitsUpTo = (end: number) => fits(text.slice(0, end) + ELLIPSIS);
  let reach = 0;
  let hi = text.length - 1;
  for (let step = 64; reach < hi; step *= 2) {
    const probe = Math.min(hi, reach + step);
    const end = wholePairs(probe);
    if (!fitsUpTo(end)) {
      hi = probe - 1;
      break;
    }
    reach = end;
  }
  let lo = reach + 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const end = wholePairs(mid);
    if (fitsUpTo(end)) {
      reach = end;
      lo = end + 1;
    } else {
      hi = mid - 1;
    }
  }
  return reach;
}

/**
 * How far into the text a cut can possibly be by the weights alone: the longest prefix
 * that, with '…', weighs no more than each budget allows. No cut past it fits, as the
 * weights never exceed the count.
 */
function estimatedReach(text: string, allowances: readonly Allowance[]): number {
  let reach = text.length - 1;
  for (const { room, weigh } of allowances) {
    const left = room - weightOf(weigh(ELLIPSIS, Infinity), ELLIPSIS);
    const sums = weigh(text, left);
    let lo = 0;
    let hi = Math.min(reach, sums.length - 1);
    if (!(sums[0]! <= left)) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (sums[mid]! <= left) lo = mid;
      else hi = mid - 1;
    }
    reach = lo;
  }
  return splitsSurrogatePair(text, reach) ? reach - 1 : reach;
}

/** The candidate at the last boundary that fits, by binary search (a longer prefix never counts less). */
function longestFitting(text: string, ends: number[], fits: (candidate: string) => boolean): string | undefined {
  let lo = 0;
  let hi = ends.length - 1;
  let best: string | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const attempt = candidate(text, ends[mid]!);
    if (fits(attempt)) {
      best = attempt;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/**
 * The longest proper prefix of `text`, cut at a sentence boundary, else a word boundary,
 * else a grapheme boundary (or only at the `levels` given, in that order), whitespace
 * trimmed and ending with '…', that `fits`; undefined when none does. Never splits a
 * grapheme cluster, so never a surrogate pair, an emoji ZWJ sequence or a flag.
 *
 * With `allowances` (what each budget leaves the text, and how it weighs text), the cut is
 * found by weight and `fits` is asked once where the weights are exact; without them, by
 * asking `fits` of ever longer prefixes.
 */
export function shorten(
  text: string,
  fits: (candidate: string) => boolean,
  levels: readonly BoundaryLevel[] = ['sentence', 'word', 'grapheme'],
  allowances?: readonly Allowance[],
): string | undefined {
  const reach = allowances ? estimatedReach(text, allowances) : reachOf(text, fits);
  if (reach <= 0) return undefined;
  for (const level of levels) {
    const last = lastBoundary(text, level, reach);
    if (last === undefined) continue;
    const attempt = candidate(text, last);
    if (fits(attempt)) return attempt;
    const found = longestFitting(text, boundaries(text, level, reach), fits);
    if (found !== undefined) return found;
  }
  return undefined;
}
