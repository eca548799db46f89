/**
 * Plain text out of the HTML found in feeds, with a real HTML parser (htmlparser2):
 * entities decoded, tags stripped, whitespace collapsed.
 */
import { Parser } from 'htmlparser2';

/** A run of text between block-level boundaries, split into lines at `<br>`. */
export interface TextBlock {
  lines: string[];
  /** The text sat inside a `<p>`. */
  inParagraph: boolean;
}

export type SkipElement = (name: string, attributes: Record<string, string>) => boolean;

const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'dd', 'details', 'div', 'dl', 'dt', 'figcaption',
  'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol',
  'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);

/** Never text a reader sees as prose. */
const NON_TEXT_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object']);

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Plain text of an HTML fragment (a title, a category): one line, whitespace collapsed. */
export function plainText(html: string): string {
  return collapseWhitespace(
    htmlBlocks(html)
      .flatMap((b) => b.lines)
      .join(' '),
  );
}

/**
 * Splits HTML into blocks of plain text at block-level element boundaries, each block
 * into lines at `<br>`. Elements `skip` selects are left out with everything inside them.
 * Empty lines and blocks are dropped.
 */
export function htmlBlocks(html: string, skip: SkipElement = () => false): TextBlock[] {
  const blocks: TextBlock[] = [];
  const open: { name: string; skipped: boolean }[] = [];
  let skippedDepth = 0;
  let paragraphDepth = 0;
  let lines: string[] = [];
  let line = '';
  let inParagraph = false;

  const endLine = () => {
    const text = collapseWhitespace(line);
    if (text) lines.push(text);
    line = '';
  };
  const endBlock = () => {
    endLine();
    if (lines.length > 0) blocks.push({ lines, inParagraph });
    lines = [];
    inParagraph = false;
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const skipped = skippedDepth > 0 || NON_TEXT_ELEMENTS.has(name) || skip(name, attributes);
        open.push({ name, skipped });
        if (skipped) {
          skippedDepth += 1;
          return;
        }
        if (BLOCK_ELEMENTS.has(name)) endBlock();
        else if (name === 'br') endLine();
        if (name === 'p') paragraphDepth += 1;
      },
      onclosetag(name) {
        const element = open.pop();
        if (!element) return;
        if (element.skipped) {
          skippedDepth -= 1;
          return;
        }
        if (BLOCK_ELEMENTS.has(name)) endBlock();
        if (name === 'p') paragraphDepth -= 1;
      },
      ontext(text) {
        if (skippedDepth > 0) return;
        if (!line.trim() && lines.length === 0) inParagraph = paragraphDepth > 0;
        line += text;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  endBlock();
  return blocks;
}
