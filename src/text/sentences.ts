/** Where sentences end in plain text, for cutting a lead or a summary at a sentence boundary. */
import { segmenter } from './segmenters.ts';

/**
 * ICU ends a sentence after any full stop followed by a capital, so "the U.S. Department"
 * or "Mr. Tokayev" would end one. Initials and common titles do not end a sentence.
 */
export const ABBREVIATION =
  /(?:^|[^\p{L}\p{N}])(?:(?:\p{L}\.)+|(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Gen|Gov|Sen|Rep|Col|Lt|Capt|No|vs|Inc|Ltd|Co|Corp|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\.)$/u;

/** Marks that end a sentence, possibly followed by closing quotes or brackets. */
export const SENTENCE_END = /[.!?…。！？](?:["'”’»)\]]*)$/u;

/** Offsets just past each complete sentence of `text`, ascending (whitespace after them excluded). */
export function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  for (const { segment, index } of segmenter('sentence').segment(text)) {
    const end = index + segment.trimEnd().length;
    const sentence = text.slice(0, end);
    if (!SENTENCE_END.test(sentence) || ABBREVIATION.test(text.slice(Math.max(0, end - 24), end))) continue;
    ends.push(end);
  }
  return ends;
}
