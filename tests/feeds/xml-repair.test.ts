import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repairXml } from '../../src/feeds/xml-repair.ts';

describe('repairXml', () => {
  it('drops whitespace and a BOM before the declaration', () => {
    expect(repairXml('\uFEFF\n\n  <?xml version="1.0"?><rss/>')).toBe('<?xml version="1.0"?><rss/>');
  });

  it('escapes a raw "&" that starts no entity, in text and in attributes', () => {
    expect(repairXml('<title>Q&A with AT&T & co</title><link href="/a?b=1&c=2"/>')).toBe(
      '<title>Q&amp;A with AT&amp;T &amp; co</title><link href="/a?b=1&amp;c=2"/>',
    );
  });

  it('keeps XML entities and character references, turns HTML entities into references, unknown names into text', () => {
    expect(repairXml('<t>&amp;&lt;&gt;&quot;&apos;&#8230;&#x2026;</t>')).toBe('<t>&amp;&lt;&gt;&quot;&apos;&#8230;&#x2026;</t>');
    expect(repairXml('<t>a&nbsp;b &eacute; &hellip;</t>')).toBe('<t>a&#160;b &#233; &#8230;</t>');
    expect(repairXml('<t>&notanentity;</t>')).toBe('<t>&amp;notanentity;</t>');
  });

  it('leaves CDATA sections and comments as they are, except for characters XML forbids', () => {
    const cdata = '<d><![CDATA[<p>Q&A &nbsp; AT&T</p>]]></d><!-- a & b -->';
    expect(repairXml(cdata)).toBe(cdata);
    expect(repairXml('<d><![CDATA[a\u0001b]]></d>')).toBe('<d><![CDATA[ab]]></d>');
  });

  it('removes characters XML 1.0 forbids, keeping tabs, newlines and surrogate pairs', () => {
    expect(repairXml('<t>a\u0000\u0008\u000B\u000C\u001F\uFFFE\uFFFF\uD800b\tc\r\nd 😀</t>')).toBe('<t>ab\tc\r\nd 😀</t>');
  });

  it('drops an Atom date that is not a date, keeping valid ones', () => {
    expect(repairXml('<entry><published>soon</published><updated>2024-05-22T09:30:00Z</updated></entry>')).toBe(
      '<entry><updated>2024-05-22T09:30:00Z</updated></entry>',
    );
  });

  it('returns a feed that needs no repair as it is', () => {
    const clean = [
      '<?xml version="1.0"?><feed><title>Q&amp;A &lt;b&gt; &#8230; &#x2026; &quot;AT&apos;T&quot;</title>',
      '<content><![CDATA[<p>Q&A &nbsp; AT&T <published>soon</published></p>]]></content><!-- a & b &nbsp; -->',
      '<summary>Тоқаев 😀🇰🇿\t\r\n</summary><published>2024-05-22T09:30:00Z</published><updated>Wed, 22 May 2024 09:30:00 +0000</updated></feed>',
    ].join('');
    expect(repairXml(clean)).toBe(clean);
  });

  it('repairs what comes after CDATA sections and comments, and nothing inside them', () => {
    expect(repairXml('<d><![CDATA[a & b]]></d><t>Q&A</t>')).toBe('<d><![CDATA[a & b]]></d><t>Q&amp;A</t>');
    expect(repairXml('<d><![CDATA[x]]>&<!--c-->&</d>')).toBe('<d><![CDATA[x]]>&amp;<!--c-->&amp;</d>');
    expect(repairXml('<!-- & --><!-- -- --><t>&nbsp;</t>')).toBe('<!-- & --><!-- -- --><t>&#160;</t>');
    expect(repairXml('<d><![CDATA[]]></d><published>soon</published>')).toBe('<d><![CDATA[]]></d>');
    expect(repairXml('<t>&amp;</t><d><![CDATA[ & <!-- ]]> & </d>')).toBe('<t>&amp;</t><d><![CDATA[ & <!-- ]]> &amp; </d>');
    expect(repairXml('<t>ok</t><d><![CDATA[ & unterminated')).toBe('<t>ok</t><d><![CDATA[ & unterminated');
    expect(repairXml('<t>&#x1g; &#X1F; &ampx; &amp</t>')).toBe('<t>&amp;#x1g; &amp;#X1F; &amp;ampx; &amp;amp</t>');
  });

  it('drops a lone surrogate wherever it is, keeping the pairs around it', () => {
    expect(repairXml('<t>😀\uDC00😀\uD83D</t>')).toBe('<t>😀😀</t>');
    expect(repairXml('<t>\uD83D\uD83D\uDE00</t>')).toBe('<t>😀</t>');
  });

  it('leaves a text as it is only when it has nothing to repair', () => {
    const fragment = fc.constantFrom(
      '<![CDATA[', ']]>', '<!--', '-->', '&', '&amp;', '&#12;', '&#x1F;', '&#X1F;', '&nbsp;', '&foo;', '&amp', '<published>', '</published>',
      '<updated a="1">', '</updated>', '2024-05-22', 'soon', '<t>', '</t>', ' ', '\uFEFF', '\u0001', '\uFFFE', '\uD83D', '\uDE00', 'x', '<!', ']', '-',
    );
    const illegalChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    let untouched = 0;
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        const repaired = repairXml(text);
        expect(repaired).not.toMatch(illegalChar);
        if (repaired !== text) return;
        untouched += 1;
        expect(text).not.toMatch(/^[\s\uFEFF]/);
        for (const part of text.split(/<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)/)) {
          expect(part).not.toMatch(/&(?!(?:#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);)/);
          for (const [, , date] of part.matchAll(/<(published|updated)(?:\s[^>]*)?>([^<]*)<\/\1>/g)) {
            expect(Number.isNaN(new Date(date!.trim()).getTime())).toBe(false);
          }
        }
      }),
      { numRuns: 2000 },
    );
    expect(untouched).toBeGreaterThan(200);
  });

  it('is idempotent and never throws', () => {
    expect(repairXml(' \u0001 <rss/>')).toBe('<rss/>');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const once = repairXml(text);
        expect(repairXml(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});
