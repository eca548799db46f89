/**
 * Tests of one character against a Unicode property class, remembered per BMP code point.
 * V8 runs a regular expression with a large class such as \p{L} in its bytecode
 * interpreter, at a fraction of a microsecond per character scanned: too slow to scan
 * every candidate post with.
 */
export function charClass(oneChar: RegExp): (codePoint: number) => boolean {
  const known = new Uint8Array(0x10000);
  return (cp) => {
    if (cp > 0xffff) return oneChar.test(String.fromCodePoint(cp));
    if (known[cp] === 0) known[cp] = oneChar.test(String.fromCharCode(cp)) ? 1 : 2;
    return known[cp] === 1;
  };
}
