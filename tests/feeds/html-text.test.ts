import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapseWhitespace, plainText, visitHtmlBlocks, type TextBlock } from '../../src/feeds/html-text.ts';

const keepAll = () => false;

function allBlocks(html: string, skip: (name: string, attributes: Record<string, string>) => boolean = keepAll): TextBlock[] {
  const blocks: TextBlock[] = [];
  visitHtmlBlocks(html, skip, (block) => {
    blocks.push(block);
    return true;
  });
  return blocks;
}

/** What plainText makes of a string when the HTML parser reads it. */
const parsedPlainText = (html: string) => collapseWhitespace(allBlocks(html).flatMap((b) => b.lines).join(' '));

/** Characters that test whitespace collapsing and the parser's text handling, never '<' or '&'. */
const textChar = fc.constantFrom(
  'a', 'Z', '5', ';', '#', '>', '"', "'", '/', '=', '!', '?', '-', ']', 'é', 'Қ', '“', '😀', '\uD800', '\uDC00',
  ' ', '  ', '\t', '\n', '\r', '\r\n', '\f', '\v', '\u00a0', '\u2028', '\u3000', '\ufeff', '\u0000', '\u0085', '\u200b',
);
const textWithoutMarkup = fc.array(textChar, { maxLength: 40 }).map((chars) => chars.join(''));
const tagSoupFragment = fc.constantFrom(
  '<p>', '</p>', '<br>', '<div>', '</div>', '<figure class="wp-caption">', '</figure>', '<li>', '<ul>', '</ul>', '<h2>', '</h2>',
  '<b>', '</b>', '<script>', '</script>', '<table><tr><td>', '&amp;', '&nbsp;', '&', '<!--', '-->', ' text ', 'Story.', '\n',
);
const tagSoup = fc.array(tagSoupFragment, { maxLength: 50 }).map((parts) => parts.join(''));

describe('collapseWhitespace', () => {
  it('turns every run of whitespace into one space and trims the ends', () => {
    expect(collapseWhitespace('  a  b\t\nc \u00a0d\u3000 ')).toBe('a b c d');
    expect(collapseWhitespace('already single spaced')).toBe('already single spaced');
    fc.assert(
      fc.property(textWithoutMarkup, (text) => {
        expect(collapseWhitespace(text)).toBe(text.split(/\s+/).filter(Boolean).join(' '));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('plainText', () => {
  it('decodes entities, drops tags and collapses whitespace', () => {
    expect(plainText('Tokayev &amp; <b>investors</b>')).toBe('Tokayev & investors');
    expect(plainText('  Q&A with\n AT&T  ')).toBe('Q&A with AT&T');
    expect(plainText('<p>One</p><p>Two<br>three</p>')).toBe('One Two three');
    expect(plainText('\n  Staff\t Report \u00a0')).toBe('Staff Report');
    expect(plainText(' \r\n\t ')).toBe('');
  });

  it('reads text without "<" or "&" exactly as the HTML parser does', () => {
    fc.assert(
      fc.property(textWithoutMarkup, (text) => {
        expect(plainText(text)).toBe(parsedPlainText(text));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !/[<&]/.test(s)), (text) => {
        expect(plainText(text)).toBe(parsedPlainText(text));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('visitHtmlBlocks', () => {
  it('splits at block elements and <br>, marking the text inside a <p>', () => {
    expect(allBlocks('Intro<p>One<br>two</p><div>Three</div><p><img src="x"></p>')).toEqual([
      { lines: ['Intro'], inParagraph: false, linkOnly: false },
      { lines: ['One', 'two'], inParagraph: true, linkOnly: false },
      { lines: ['Three'], inParagraph: false, linkOnly: false },
    ]);
  });

  it('marks a block whose every character is a link\'s', () => {
    expect(allBlocks('<p><a href="/">Site name</a></p><p>See <a href="/x">this</a></p><p> <a href="/a">A</a> <a href="/b">B</a> </p>')).toEqual([
      { lines: ['Site name'], inParagraph: true, linkOnly: true },
      { lines: ['See this'], inParagraph: true, linkOnly: false },
      { lines: ['A B'], inParagraph: true, linkOnly: true },
    ]);
  });

  it('leaves out what `skip` selects, with everything inside it', () => {
    const skipFigures = (name: string) => name === 'figure';
    expect(allBlocks('<figure><p>Caption</p></figure><p>Story</p>', skipFigures)).toEqual([{ lines: ['Story'], inParagraph: true, linkOnly: false }]);
  });

  it('stops where the visitor says: the blocks seen are the first ones of the whole document, and no more follow', () => {
    fc.assert(
      fc.property(tagSoup, fc.nat({ max: 12 }), (html, stopAfter) => {
        const all = allBlocks(html);
        const seen: TextBlock[] = [];
        visitHtmlBlocks(html, keepAll, (block) => {
          seen.push(block);
          return seen.length <= stopAfter;
        });
        expect(seen).toEqual(all.slice(0, stopAfter + 1));
      }),
      { numRuns: 1000 },
    );
  });
});
