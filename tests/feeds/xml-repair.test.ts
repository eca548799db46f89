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
