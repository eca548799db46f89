/**
 * The least each prefix of plain text adds to X's weighted length (twitter-text's
 * `parseTweet`), without parsing it: the weights of twitter-text's configuration per code
 * point, an emoji sequence counted once, and nothing for a word that may be a link. And the
 * least a link adds.
 */
import { charClass } from '../src/text/char-class.ts';
import { mayBeLink, withoutWords } from './linkish.ts';
import { twitterText } from './twitter-text.ts';

/** twitter-text's weighting configuration (its type declarations leave `configs` out). */
interface WeightingConfig {
  defaultWeight: number;
  scale: number;
  ranges: { start: number; end: number; weight: number }[];
  transformedURLLength: number;
}

/** Characters that make twitter-text (and X) reject a whole tweet: X's format removes them. */
const FORBIDDEN_LIST = ['\uFFFE', '\uFEFF', '\uFFFF'];
const FORBIDDEN = new Set(FORBIDDEN_LIST.map((c) => c.charCodeAt(0)));

/** The text without them; each looked for on its own first, quicker than scanning for the class. */
export function withoutForbidden(text: string): string {
  return FORBIDDEN_LIST.some((c) => text.includes(c)) ? text.replace(/[\uFFFE\uFEFF\uFFFF]/g, '') : text;
}
const ZWJ = 0x200d;
const KEYCAP = 0x20e3;
/** From here on, code units may be surrogates, variation selectors or forbidden. */
const SURROGATES = 0xd800;

/** What only continues an emoji sequence: variation selectors, skin tones, the keycap mark, tag characters. */
function continuesEmoji(cp: number): boolean {
  return cp === 0xfe0e || cp === 0xfe0f || (cp >= 0x1f3fb && cp <= 0x1f3ff) || cp === KEYCAP || (cp >= 0xe0020 && cp <= 0xe007f);
}

const isRegionalIndicator = (cp: number) => cp >= 0x1f1e6 && cp <= 0x1f1ff;

/** Marks and Hangul vowel and final jamo, which NFC may fold into the character before them. */
const composesBackwards = charClass(/^[\p{M}\u1160-\u11ff]$/u);

let bmpWeights: Float64Array | undefined;
let weightOf: (cp: number) => number = () => 0;
/** What X counts a link it takes for one as, whatever its length (t.co's). */
let linkLength = 0;
/** The least a printable ASCII character weighs. */
let asciiWeight = 0;
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

/** The configured weight of each code point, the BMP's from a table. */
function loadWeights(): Float64Array {
  const { ranges, defaultWeight, scale, transformedURLLength } = (twitterText() as unknown as { configs: { defaults: WeightingConfig } }).configs.defaults;
  weightOf = (cp) => (ranges.find((r) => cp >= r.start && cp <= r.end)?.weight ?? defaultWeight) / scale;
  linkLength = transformedURLLength;
  const weights = Float64Array.from({ length: 0x10000 }, (_, cp) => weightOf(cp));
  asciiWeight = Math.min(...weights.subarray(0x21, 0x7f));
  return weights;
}

/** What a code point weighs once normalized on its own (U+1FBE, weight 2, becomes ι, weight 1). */
function normalizedWeight(cp: number): number {
  let sum = 0;
  for (const c of String.fromCodePoint(cp).normalize('NFC')) sum += weightOf(c.codePointAt(0)!);
  return sum;
}

export function xPrefixWeights(text: string): ArrayLike<number> {
  return withoutWords(characterWeights(text), text, mayBeLink);
}

/**
 * The least a link adds wherever it stands: X counts what it takes for a link at t.co's
 * length, and what it does not at its characters' weight.
 */
export function xLinkWeight(link: string): number {
  bmpWeights ??= loadWeights();
  // Printable ASCII, as withUtm makes of a link, needs no weighing: no character of it is free.
  const weight = PRINTABLE_ASCII.test(link) ? link.length * asciiWeight : characterWeights(link)[link.length]!;
  return Math.min(weight, linkLength);
}

/** The prefix weights of `text` as if no word of it were a link. */
function characterWeights(text: string): number[] {
  const bmp = (bmpWeights ??= loadWeights());
  // In text that is not NFC yet, what X's format normalizes may weigh less than it does here; and
  // X normalizes once the forbidden characters are gone (n, U+FEFF, U+0301 is one character, ń).
  const visible = withoutForbidden(text);
  const composes = visible.normalize('NFC') !== visible;
  // An array, not a Float64Array: allocating a typed array costs more than filling it here.
  const sums: number[] = new Array(text.length + 1);
  sums[0] = 0;
  let sum = 0;
  let afterJoiner = false;
  let regionalRun = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // Most text: a code point that is weighed as it is, neither joined nor joining.
    if (unit < SURROGATES && unit !== ZWJ && unit !== KEYCAP && !afterJoiner && !composes) {
      sums[i + 1] = sum += bmp[unit]!;
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
    sums[i + 1] = sum += free ? 0 : composes ? Math.min(weight, normalizedWeight(cp)) : weight;
    afterJoiner = cp === ZWJ;
    if (cp > 0xffff) sums[++i + 1] = sum;
  }
  return sums;
}
