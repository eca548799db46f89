/**
 * The least each prefix of plain text adds to X's weighted length (twitter-text's
 * `parseTweet`), without parsing it: the weights of twitter-text's configuration per code
 * point, an emoji sequence counted once, and nothing for a word that may be a link.
 */
import { cumulative } from '../src/render/count.ts';
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

let weightOf: ((cp: number) => number) | undefined;

/** The configured weight of each code point, from a table for the BMP. */
function configuredWeights(): (cp: number) => number {
  const { ranges, defaultWeight, scale } = (twitterText() as unknown as { configs: { defaults: WeightingConfig } }).configs.defaults;
  const ofCodePoint = (cp: number) => (ranges.find((r) => cp >= r.start && cp <= r.end)?.weight ?? defaultWeight) / scale;
  const bmp = Float64Array.from({ length: 0x10000 }, (_, cp) => ofCodePoint(cp));
  return (cp) => (cp <= 0xffff ? bmp[cp]! : ofCodePoint(cp));
}

export function xPrefixWeights(text: string): Float64Array {
  weightOf ??= configuredWeights();
  // In text that is not NFC yet, what X's format normalizes may weigh less than it does here.
  const composes = text.normalize('NFC') !== text;
  const weights = new Float64Array(text.length);
  let afterJoiner = false;
  let regionalRun = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp < FIRST_EMOJI_PART && !afterJoiner && !composes) {
      weights[i] = weightOf(cp);
      regionalRun = 0;
      continue;
    }
    const regional = isRegionalIndicator(cp);
    regionalRun = regional ? regionalRun + 1 : 0;
    const free =
      afterJoiner ||
      cp === ZWJ ||
      continuesEmoji(cp) ||
      FORBIDDEN.has(cp) ||
      (regional && regionalRun % 2 === 0) ||
      (composes && composesBackwards(cp));
    weights[i] = free ? 0 : weightOf(cp);
    afterJoiner = cp === ZWJ;
    if (cp > 0xffff) i++;
  }
  return withoutWords(cumulative(weights), text, mayBeLink);
}
