/** Shortening plain text to fit: cut at the best boundary that leaves room, and mark the cut with '…'. */
import { ABBREVIATION, SENTENCE_END } from '../text/sentences.ts';

export type BoundaryLevel = 'sentence' | 'word' | 'grapheme';

const ELLIPSIS = '…';
const LOOKAHEAD = 256;

const segmenters = {
  sentence: new Intl.Segmenter('en', { granularity: 'sentence' }),
  word: new Intl.Segmenter('en', { granularity: 'word' }),
  grapheme: new Intl.Segmenter('en', { granularity: 'grapheme' }),
};

/**
 * Offsets where a prefix may end, ascending, up to `reach`; each leaves a non-empty prefix
 * shorter than the text. Only the text near `reach` is segmented (a 20,000-character
 * summary cut to a few hundred is not segmented whole): the segmenter sees
 * `LOOKAHEAD` characters past it, and at least one that is not whitespace, so the
 * boundaries it reports up to `reach` are those of the whole text.
 */
function boundaries(text: string, level: BoundaryLevel, reach: number): number[] {
  const visibleAfter = /\S/gu;
  visibleAfter.lastIndex = reach + LOOKAHEAD;
  const scopeEnd = visibleAfter.test(text) ? visibleAfter.lastIndex : text.length;
  const ends: number[] = [];
  for (const { segment, index, isWordLike } of segmenters[level].segment(text.slice(0, scopeEnd))) {
    if (index >= reach) break;
    if (level === 'word' && !isWordLike) continue;
    const end = index + (level === 'sentence' ? segment.trimEnd().length : segment.length);
    if (level === 'sentence' && ABBREVIATION.test(text.slice(Math.max(0, end - 24), end))) continue;
    ends.push(end);
  }
  const firstVisible = text.length - text.trimStart().length;
  const whole = text.trimEnd().length;
  return ends.filter((end) => end > firstVisible && end < whole && end <= reach);
}

/** Drops trailing whitespace a grapheme cluster at a time, so no cluster is split. */
function trimEndClusters(text: string): string {
  let end = text.length;
  while (end > 0) {
    const last = segmenters.grapheme.segment(text).containing(end - 1)!;
    if (last.segment.trim() !== '') break;
    end = last.index;
  }
  return text.slice(0, end);
}

/** The prefix up to `end`, marked as cut with '…' unless it ends a sentence or is marked already. */
function candidate(text: string, end: number): string {
  const prefix = trimEndClusters(text.slice(0, end));
  const endsSentence = SENTENCE_END.test(prefix) && !ABBREVIATION.test(prefix.slice(-24));
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
 */
export function shorten(
  text: string,
  fits: (candidate: string) => boolean,
  levels: readonly BoundaryLevel[] = ['sentence', 'word', 'grapheme'],
): string | undefined {
  const reach = reachOf(text, fits);
  if (reach === 0) return undefined;
  for (const level of levels) {
    const found = longestFitting(text, boundaries(text, level, reach), fits);
    if (found !== undefined) return found;
  }
  return undefined;
}
