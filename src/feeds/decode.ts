/**
 * Feed bytes → text. rss-parser takes an already-decoded string, so the charset is
 * ours to find:
 *
 * 1. A byte-order mark (or the UTF-16/32 pattern of `<?` without one) is decisive: the
 *    bytes cannot be read any other way, whatever a label says (as in WHATWG decoding).
 * 2. Else the HTTP `Content-Type` charset, 3. else the XML declaration's `encoding`,
 *    4. else UTF-8. A label iconv-lite does not know is passed over for the next source.
 *    A header claiming UTF-8 over bytes that are not valid UTF-8 loses to a declaration
 *    naming another encoding: the server's default label is wrong, the document is not.
 *
 * Labels that lie, as found in real feeds, are decoded sensibly rather than rejected:
 * - A label claiming UTF-8 (or none at all) on bytes that are not valid UTF-8: every
 *   valid UTF-8 sequence is read as UTF-8 and every stray byte as windows-1252, so a
 *   windows-1252 feed, or a UTF-8 feed with one pasted-in Latin-1 item, reads right.
 *   (A non-Latin legacy feed with no label comes out as Latin mojibake, not U+FFFD.)
 * - A single-byte label (iso-8859-*, windows-125x, koi8-*, ascii…) on bytes that are
 *   valid UTF-8 with non-ASCII in them: UTF-8. Legacy single-byte text is practically
 *   never valid UTF-8, while servers that stamp iso-8859-1 on UTF-8 feeds are common.
 * - iso-8859-1 / ascii labels are read as windows-1252 (what browsers do), and C1
 *   control characters left in the text are mapped to their windows-1252 meaning
 *   (U+0092 → ’).
 *
 * Gzip bytes (magic 1f 8b, impossible at the start of any XML text) are inflated first:
 * a `.xml.gz` saved to disk or served without `Content-Encoding`.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { FeedError } from '../errors.ts';

/** The default cap on inflated size when the caller names none (DESIGN: 10 MB). */
const DEFAULT_MAX_BYTES = 10_485_760;

/** Thrown only for gzip bytes that are corrupt or inflate beyond the cap. */
export class UndecodableFeedError extends Error {
  override name = 'UndecodableFeedError';
}

/** Fetched bytes as text (decodeFeedBytes); a FeedError for gzip bytes that cannot be inflated. */
export function decodeFetched(fetched: { bytes: Buffer; contentType?: string; url: string }, feed: { id: string; maxBytes: number }): string {
  try {
    return decodeFeedBytes(fetched.bytes, fetched.contentType, feed.maxBytes);
  } catch (err) {
    if (!(err instanceof UndecodableFeedError)) throw err;
    throw new FeedError(feed.id, `${fetched.url} holds ${err.message}; check the feed's url or raise its maxBytes`);
  }
}

export function decodeFeedBytes(bytes: Buffer, contentType?: string, maxBytes = DEFAULT_MAX_BYTES): string {
  const raw = isGzip(bytes) ? gunzip(bytes, maxBytes) : bytes;
  const unicode = sniffUnicode(raw);
  if (unicode) {
    const body = raw.subarray(unicode.bomLength);
    return repairC1(withoutBom(unicode.encoding === 'utf-8' ? decodeUtf8Lenient(body) : iconv.decode(body, unicode.encoding)));
  }
  return repairC1(withoutBom(decodeLabelled(raw, labelFor(raw, charsetFromContentType(contentType), encodingFromXmlDeclaration(raw)))));
}

/**
 * The header's charset, else the XML declaration's; but a header saying UTF-8 over bytes
 * that are not UTF-8 is wrong, and a declaration naming another encoding is then believed.
 */
function labelFor(raw: Buffer, header: string | undefined, declared: string | undefined): string | undefined {
  const label = [header, declared].find(isUsableLabel);
  const claimsUtf8 = label !== undefined && UTF8_LABEL.test(label);
  if (claimsUtf8 && isUsableLabel(declared) && !UTF8_LABEL.test(declared) && !isUtf8(raw)) return declared;
  return label;
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gunzip(bytes: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new UndecodableFeedError(`gzip content inflates to more than ${maxBytes} bytes`);
    }
    throw new UndecodableFeedError(`corrupt gzip content (${(err as Error).message})`);
  }
}

/** Encodings whose bytes identify themselves: BOMs, and `<?` in UTF-16/32 without one. */
function sniffUnicode(b: Buffer): { encoding: string; bomLength: number } | undefined {
  const at = (i: number) => b[i] ?? -1;
  if (at(0) === 0xef && at(1) === 0xbb && at(2) === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (at(0) === 0x00 && at(1) === 0x00 && at(2) === 0xfe && at(3) === 0xff) return { encoding: 'utf-32be', bomLength: 4 };
  if (at(0) === 0xff && at(1) === 0xfe && at(2) === 0x00 && at(3) === 0x00) return { encoding: 'utf-32le', bomLength: 4 };
  if (at(0) === 0xfe && at(1) === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  if (at(0) === 0xff && at(1) === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (at(0) === 0x00 && at(1) === 0x00 && at(2) === 0x00 && at(3) === 0x3c) return { encoding: 'utf-32be', bomLength: 0 };
  if (at(0) === 0x3c && at(1) === 0x00 && at(2) === 0x00 && at(3) === 0x00) return { encoding: 'utf-32le', bomLength: 0 };
  if (at(0) === 0x00 && at(1) === 0x3c && at(2) === 0x00 && at(3) === 0x3f) return { encoding: 'utf-16be', bomLength: 0 };
  if (at(0) === 0x3c && at(1) === 0x00 && at(2) === 0x3f && at(3) === 0x00) return { encoding: 'utf-16le', bomLength: 0 };
  return undefined;
}

export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

function encodingFromXmlDeclaration(b: Buffer): string | undefined {
  const head = b.subarray(0, 1024).toString('latin1');
  const match = /<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return match?.[1]?.toLowerCase();
}

/**
 * A label can only be trusted for an ASCII-compatible encoding: if it were UTF-16/32 the
 * sniffing above would have caught it, so such a label is a lie here.
 */
function isUsableLabel(label: string | undefined): label is string {
  return label !== undefined && !/^(utf-?(16|32)|ucs-?2|ucs-?4)/.test(label) && iconv.encodingExists(label);
}

const UTF8_LABEL = /^(utf-?8|unicode-1-1-utf-8)$/;
const LATIN1_LABELS = /^(iso[-_]?8859[-_]1|iso8859-1|latin-?1|l1|cp819|ibm819|us-ascii|ascii|ansi_x3\.4-1968)$/;
const SINGLE_BYTE_LABELS = /^(iso[-_]?8859|latin|windows-12|cp12|koi8|us-ascii|ascii|mac|tis-?620|windows-874|cp866|ibm866)/;

function decodeLabelled(bytes: Buffer, label: string | undefined): string {
  if (label === undefined || UTF8_LABEL.test(label)) return decodeUtf8Lenient(bytes);
  if (SINGLE_BYTE_LABELS.test(label) && !isAscii(bytes) && isUtf8(bytes)) return utf8.decode(bytes);
  return iconv.decode(bytes, LATIN1_LABELS.test(label) ? 'windows-1252' : label);
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Byte i as windows-1252; the five bytes it leaves undefined stay C1 code points (WHATWG). */
const WINDOWS_1252_HIGH: string[] = Array.from({ length: 128 }, (_, i) => {
  const char = iconv.decode(Buffer.from([0x80 + i]), 'windows-1252');
  return char === '\uFFFD' ? String.fromCharCode(0x80 + i) : char;
});

function decodeUtf8Lenient(bytes: Buffer): string {
  if (isUtf8(bytes)) return utf8.decode(bytes);
  let out = '';
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    out += utf8.decode(bytes.subarray(runStart, i)) + WINDOWS_1252_HIGH[(bytes[i] ?? 0) - 0x80];
    i += 1;
    runStart = i;
  }
  return out + utf8.decode(bytes.subarray(runStart));
}

/** Length of the well-formed UTF-8 sequence starting at i (RFC 3629 table), or 0. */
function utf8SequenceLength(b: Buffer, i: number): number {
  const b0 = b[i] ?? 0;
  if (b0 < 0x80) return 1;
  const inRange = (j: number, lo: number, hi: number) => {
    const v = b[i + j];
    return v !== undefined && v >= lo && v <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return inRange(1, 0x80, 0xbf) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [lo, hi] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return inRange(1, lo, hi) && inRange(2, 0x80, 0xbf) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [lo, hi] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return inRange(1, lo, hi) && inRange(2, 0x80, 0xbf) && inRange(3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function repairC1(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80] ?? c);
}
