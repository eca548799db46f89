import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes, UndecodableFeedError } from '../../src/feeds/decode.ts';

const doc = (declaration: string, body: string) => `<?xml version="1.0"${declaration}?><rss><title>${body}</title></rss>`;

describe('decodeFeedBytes', () => {
  it('reads UTF-8 by default and drops a UTF-8 BOM', () => {
    const text = doc('', 'Қасым-Жомарт Тоқаев — “New Kazakhstan”');
    expect(decodeFeedBytes(Buffer.from(text))).toBe(text);
    expect(decodeFeedBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe(text);
  });

  it('uses the HTTP charset first, then the XML declaration', () => {
    const text = doc(' encoding="koi8-r"', 'Токаев');
    const bytes = iconv.encode(text, 'windows-1251');
    expect(decodeFeedBytes(bytes, 'application/rss+xml; charset="windows-1251"')).toBe(text);
    expect(decodeFeedBytes(iconv.encode(text, 'koi8-r'), 'text/xml')).toBe(text);
  });

  it('decodes the legacy encodings feeds still use', () => {
    const cases: [string, string][] = [
      ['windows-1251', 'Новости Казахстана'],
      ['koi8-r', 'Как пережить новогоднюю ночь'],
      ['iso-8859-1', 'Mãe de utente é a nova presidente'],
      ['big5', '中文新聞'],
      ['euc-kr', '한국어 뉴스'],
      ['shift_jis', '日本語のニュース'],
    ];
    for (const [encoding, body] of cases) {
      const text = doc(` encoding="${encoding}"`, body);
      expect(decodeFeedBytes(iconv.encode(text, encoding))).toBe(text);
    }
  });

  it('lets a byte-order mark or the UTF-16 pattern of "<?" win over any label', () => {
    const text = doc(' encoding="utf-16"', 'Тоқаев');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    expect(decodeFeedBytes(le, 'text/xml; charset=iso-8859-1')).toBe(text);
    expect(decodeFeedBytes(iconv.encode(text, 'utf-16be'))).toBe(text);
    expect(decodeFeedBytes(Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), iconv.encode(text, 'utf-32be')]))).toBe(text);
  });

  it('ignores a UTF-16 label on bytes that are plainly ASCII-compatible', () => {
    const text = doc(' encoding="utf-16"', 'Astana');
    expect(decodeFeedBytes(Buffer.from(text), 'text/xml; charset=utf-16')).toBe(text);
  });

  it('passes over a charset label it does not know', () => {
    const text = doc(' encoding="windows-1251"', 'Алматы');
    expect(decodeFeedBytes(iconv.encode(text, 'windows-1251'), 'text/xml; charset=x-no-such-charset')).toBe(text);
  });

  it('reads windows-1252 bytes labelled (or defaulted to) UTF-8 as windows-1252, never as U+FFFD', () => {
    const text = doc(' encoding="utf-8"', 'Café “Astana” – naïve');
    const decoded = decodeFeedBytes(iconv.encode(text, 'windows-1252'));
    expect(decoded).toBe(text);
    expect(decodeFeedBytes(iconv.encode(doc('', 'Café'), 'windows-1252'))).toBe(doc('', 'Café'));
  });

  it('keeps the UTF-8 of a mostly UTF-8 feed when one stray Latin-1 byte is in it', () => {
    const bytes = Buffer.concat([Buffer.from('<rss><title>Тоқаев '), Buffer.from([0xe9]), Buffer.from(' “ok”</title></rss>')]);
    expect(decodeFeedBytes(bytes)).toBe('<rss><title>Тоқаев é “ok”</title></rss>');
  });

  it('reads UTF-8 bytes mislabelled iso-8859-1 as UTF-8', () => {
    const text = doc(' encoding="ISO-8859-1"', 'Black Dahlia — “murder”');
    expect(decodeFeedBytes(Buffer.from(text))).toBe(text);
    expect(decodeFeedBytes(Buffer.from(text), 'text/xml; charset=iso-8859-1')).toBe(text);
  });

  it('reads iso-8859-1 as windows-1252 and repairs C1 control characters', () => {
    expect(decodeFeedBytes(Buffer.from([0x3c, 0x61, 0x3e, 0x92, 0x3c, 0x2f, 0x61, 0x3e]), 'text/xml; charset=iso-8859-1')).toBe('<a>’</a>');
    expect(decodeFeedBytes(Buffer.from('<a>don\u0092t</a>'))).toBe('<a>don’t</a>');
  });

  it('inflates gzip bytes, within the size cap', () => {
    const text = doc('', 'Тоқаев');
    expect(decodeFeedBytes(gzipSync(text))).toBe(text);
    expect(() => decodeFeedBytes(gzipSync(Buffer.alloc(2000, 0x20)), undefined, 1000)).toThrow(
      new UndecodableFeedError('gzip content inflates to more than 1000 bytes'),
    );
    expect(() => decodeFeedBytes(Buffer.from([0x1f, 0x8b, 1, 2, 3]))).toThrow(UndecodableFeedError);
  });

  it('reads any valid UTF-8 as UTF-8, labelled UTF-8, unlabelled or labelled iso-8859-1', () => {
    // Text without C1 controls (those are repaired as windows-1252) behind an XML start, so no sniffing applies.
    const text = fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => `<rss>${s.replace(/[\u0080-\u009f]/g, '')}`);
    fc.assert(
      fc.property(text, fc.constantFrom(undefined, 'text/xml; charset=utf-8', 'text/xml; charset=iso-8859-1'), (xml, contentType) => {
        expect(decodeFeedBytes(Buffer.from(xml), contentType)).toBe(xml);
      }),
      { numRuns: 500 },
    );
  });

  it('reads every byte that is no part of a UTF-8 sequence as windows-1252, the rest as UTF-8', () => {
    // Bytes that can never start a sequence, nor continue one after a complete sequence.
    const strayByte = fc.oneof(fc.integer({ min: 0x80, max: 0xc1 }), fc.integer({ min: 0xf5, max: 0xff }));
    const windows1252 = (byte: number) => {
      const char = iconv.decode(Buffer.from([byte]), 'windows-1252');
      return char === '\uFFFD' ? String.fromCharCode(byte) : char;
    };
    const utf8Text = fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => s.replace(/[\u0080-\u009f]/g, ''));
    fc.assert(
      fc.property(fc.array(fc.tuple(utf8Text, strayByte), { minLength: 1, maxLength: 6 }), (runs) => {
        const bytes = Buffer.concat([Buffer.from('<rss>'), ...runs.flatMap(([text, byte]) => [Buffer.from(text), Buffer.from([byte])])]);
        expect(decodeFeedBytes(bytes)).toBe(`<rss>${runs.map(([text, byte]) => text + windows1252(byte)).join('')}`);
      }),
      { numRuns: 500 },
    );
  });

  it('returns an empty string for no bytes', () => {
    expect(decodeFeedBytes(Buffer.alloc(0))).toBe('');
  });
});
