/**
 * Repairs UTF-8 text that was decoded once too often as Windows-1252 ("â€™" for "’",
 * "Ã©" for "é", "Â£" for "£"), as feeds that re-encode an already encoded database
 * field do. A run is repaired only when its Windows-1252 bytes are one well-formed UTF-8
 * character: a lead byte followed by exactly the continuation bytes it announces. Text
 * that merely contains "Ã" or "â" next to other letters is left alone.
 */

/** Windows-1252 bytes 0x80–0x9F: the characters that differ from Latin-1. */
const WINDOWS_1252_HIGH: Record<string, number> = {
  '€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89,
  'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95,
  '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
};

/** Characters that stand for a continuation byte (0x80–0xBF) once decoded as Windows-1252. */
const CONTINUATION = `[\\u0080-\\u00BF${Object.keys(WINDOWS_1252_HIGH).join('')}]`;

/**
 * A lead byte and the continuation characters after it: 2-byte sequences (Â–ß: Latin,
 * Greek, Cyrillic…), 3-byte ones led by 0xE2 ("â": punctuation and symbols — other
 * 3-byte leads are letters such as "é" that real text puts before "»" or "…"), 4-byte
 * ones (ð–ô: emoji). "â€" alone stands for "”": its last byte, 0x9D, is undefined in
 * Windows-1252 and gets lost.
 */
const SUSPECT = new RegExp(`[\\u00C2-\\u00DF]${CONTINUATION}|\\u00E2${CONTINUATION}{1,2}|[\\u00F0-\\u00F4]${CONTINUATION}{3}`, 'g');

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function windows1252Byte(char: string): number {
  return WINDOWS_1252_HIGH[char] ?? char.charCodeAt(0);
}

function expectedLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
}

/** The character a suspect run stands for, or the run unchanged when it is not one well-formed UTF-8 character. */
function repairRun(run: string): string {
  const bytes = [...run].map(windows1252Byte);
  if (bytes.length === 2 && bytes[0] === 0xe2 && bytes[1] === 0x80) bytes.push(0x9d);
  if (bytes.length !== expectedLength(bytes[0]!)) return run;
  try {
    return strictUtf8.decode(Uint8Array.from(bytes));
  } catch {
    return run;
  }
}

const ANY_LEAD = /[\u00C2-\u00F4]/;

/** The text with every unambiguous double-decoded UTF-8 character repaired. */
export function repairMojibake(text: string): string {
  if (!ANY_LEAD.test(text)) return text;
  return text.replace(SUSPECT, repairRun);
}
