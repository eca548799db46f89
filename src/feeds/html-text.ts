/**
 * Plain text out of the HTML found in feeds, with a real HTML parser (htmlparser2):
 * entities decoded, tags stripped, whitespace collapsed.
 */
import { decodeHTML } from 'entities';
import { Parser } from 'htmlparser2';

/** A run of text between block-level boundaries, split into lines at `<br>`. */
export interface TextBlock {
  lines: string[];
  /** The text sat inside a `<p>`. */
  inParagraph: boolean;
  /** Every character of the text was a link's (a "Read more" or a site-name line). */
  linkOnly: boolean;
}

export type SkipElement = (name: string, attributes: Record<string, string>) => boolean;

/** Told each block in document order; returning false stops the parse there. */
export type BlockVisitor = (block: TextBlock) => boolean;

const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'dd', 'details', 'div', 'dl', 'dt', 'figcaption',
  'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol',
  'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);

/** Never text a reader sees as prose. */
const NON_TEXT_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object']);

/** Only these two characters make the HTML parser read text as anything but itself. */
const MARKUP_OR_ENTITY = /[<&]/;
/** Whitespace that is not already a single space (most text has none, and replacing is slow). */
const SPACE_TO_COLLAPSE = /[^\S ]| {2}/;

const ESCAPED_MARKUP = /&lt;\/?(?:p|div|br|a|span|img|em|strong|ul|ol|li|h[1-6])(?:\s|\/?&gt;)/i;
const MARKUP = /<\/?(?:p|div|br|a|span|img)[\s>/]/i;

/** HTML escaped twice over (reddit, some CMS exports: "&lt;p&gt;…") as HTML; any other text as it is. */
export function unescapedMarkup(html: string): string {
  return ESCAPED_MARKUP.test(html) && !MARKUP.test(html) ? decodeHTML(html) : html;
}

export function collapseWhitespace(text: string): string {
  return (SPACE_TO_COLLAPSE.test(text) ? text.replace(/\s+/g, ' ') : text).trim();
}

/** Plain text of an HTML fragment (a title, a category): one line, whitespace collapsed. */
export function plainText(html: string): string {
  if (!MARKUP_OR_ENTITY.test(html)) return collapseWhitespace(html);
  const lines: string[] = [];
  visitHtmlBlocks(html, () => false, (block) => {
    for (const text of block.lines) lines.push(text);
    return true;
  });
  return collapseWhitespace(lines.join(' '));
}

/**
 * Splits HTML into blocks of plain text at block-level element boundaries, each block
 * into lines at `<br>`, and hands them to `visit` in document order. Elements `skip`
 * selects are left out with everything inside them. Empty lines and blocks are dropped.
 */
export function visitHtmlBlocks(html: string, skip: SkipElement, visit: BlockVisitor): void {
  const open: { name: string; skipped: boolean }[] = [];
  let skippedDepth = 0;
  let paragraphDepth = 0;
  let linkDepth = 0;
  let textOutsideLinks = false;
  let lines: string[] = [];
  let line = '';
  let inParagraph = false;
  let stopped = false;

  const endLine = () => {
    const text = collapseWhitespace(line);
    if (text) lines.push(text);
    line = '';
  };
  const endBlock = () => {
    endLine();
    if (lines.length > 0 && !visit({ lines, inParagraph, linkOnly: !textOutsideLinks })) {
      stopped = true;
      parser.pause();
    }
    lines = [];
    inParagraph = false;
    textOutsideLinks = false;
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (stopped) return;
        const skipped = skippedDepth > 0 || NON_TEXT_ELEMENTS.has(name) || skip(name, attributes);
        open.push({ name, skipped });
        if (skipped) {
          skippedDepth += 1;
          return;
        }
        if (BLOCK_ELEMENTS.has(name)) endBlock();
        else if (name === 'br') endLine();
        if (name === 'p') paragraphDepth += 1;
        if (name === 'a') linkDepth += 1;
      },
      onclosetag(name) {
        if (stopped) return;
        const element = open.pop();
        if (!element) return;
        if (element.skipped) {
          skippedDepth -= 1;
          return;
        }
        if (BLOCK_ELEMENTS.has(name)) endBlock();
        if (name === 'p') paragraphDepth -= 1;
        if (name === 'a') linkDepth = Math.max(0, linkDepth - 1);
      },
      ontext(text) {
        if (stopped || skippedDepth > 0) return;
        if (!line.trim() && lines.length === 0) inParagraph = paragraphDepth > 0;
        if (linkDepth === 0 && text.trim()) textOutsideLinks = true;
        line += text;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  if (!stopped) endBlock();
}
