/**
 * The least each prefix of plain text adds to X's weighted length (twitter-text's
 * `parseTweet`), without parsing it: the weights of twitter-text's configuration per code
 * point, an emoji sequence counted once, and nothing for a word that may be a link.
 */
import { charClass } from '../src/text/char-class.ts';
import { mayBeLink, withoutWords } from './linkish.ts';
import { twitterText } from './twitter-text.ts';

/** twitter-text's weighting configuration (its type declarations leave `configs` out). */
interface WeightingConfig {
  defaultWeight: number;
  scale: number;
  ranges: { start: number; end: number; weight: number }[];
}

/** Code points that X's format removes. */
const FORBIDDEN = new Set([0xfffe, 0xfeff, 0xffff]);
const ZWJ = 0x200d;
/** Below this nothing is part of an emoji sequence but what `weightOf` weighs as it is. */
const FIRST_EMOJI_PART = ZWJ;

/** What only continues an emoji sequence: variation selectors, skin tones, the keycap mark, tag characters. */
function continuesEmoji(cp: number): boolean {
  return cp === 0xfe0e || cp === 0xfe0f || (cp >= 0x1f3fb && cp <= 0x1f3ff) || cp === 0x20e3 || (cp >= 0xe0020 && cp <= 0xe007f);
}

const isRegionalIndicator = (cp: number) => cp >= 0x1f1e6 && cp <= 0x1f1ff;

/** Marks and Hangul vowel and final jamo, which NFC may fold into the character before them. */
const composesBackwards = charClass(/^[\p{M}\u1160-\u11ff]$/u);

let bmpWeights: Float64Array | undefined;
let weightOf: (cp: number) => number = () => 0;

/** The configured weight of each code point, the BMP's from a table. */
function loadWeights(): Float64Array {
  const { ranges, defaultWeight, scale } = (twitterText() as unknown as { configs: { defaults: WeightingConfig } }).configs.defaults;
  weightOf = (cp) => (ranges.find((r) => cp >= r.start && cp <= r.end)?.weight ?? defaultWeight) / scale;
  return Float64Array.from({ length: 0x10000 }, (_, cp) => weightOf(cp));
}

/** What a code point weighs once normalized on its own (U+1FBE, weight 2, becomes ι, weight 1). */
function normalizedWeight(cp: number): number {
  let sum = 0;
  for (const c of String.fromCodePoint(cp).normalize('NFC')) sum += weightOf(c.codePointAt(0)!);
  return sum;
}

export function xPrefixWeights(text: string): Float64Array {
  const bmp = (bmpWeights ??= loadWeights());
  // In text that is not NFC yet, what X's format normalizes may weigh less than it does here.
  const composes = text.normalize('NFC') !== text;
  const sums = new Float64Array(text.length + 1);
  let afterJoiner = false;
  let regionalRun = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < FIRST_EMOJI_PART && !afterJoiner && !composes) {
      sums[i + 1] = sums[i]! + bmp[unit]!;
      regionalRun = 0;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const regional = isRegionalIndicator(cp);
    regionalRun = regional ? regionalRun + 1 : 0;
    const free =
      afterJoiner ||
      cp === ZWJ ||
      continuesEmoji(cp) ||
      FORBIDDEN.has(cp) ||
      (regional && regionalRun % 2 === 0) ||
      (composes && composesBackwards(cp));
    const weight = cp <= 0xffff ? bmp[cp]! : weightOf(cp);
    sums[i + 1] = sums[i]! + (free ? 0 : composes ? Math.min(weight, normalizedWeight(cp)) : weight);
    afterJoiner = cp === ZWJ;
    if (cp > 0xffff) {
      i++;
      sums[i + 1] = sums[i]!;
    }
  }
  return withoutWords(sums, text, mayBeLink);
}
