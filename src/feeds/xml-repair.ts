/**
 * Repairs the breakage real feeds ship with that a strict XML parser rejects outright,
 * where the repair cannot change what the feed says:
 * - leading whitespace (and a BOM) before the XML declaration;
 * - characters XML 1.0 forbids (C0 controls other than tab/CR/LF, U+FFFE/U+FFFF, lone
 *   surrogates), dropped everywhere;
 * - outside CDATA sections and comments: a raw `&` that starts no entity becomes `&amp;`;
 *   an HTML named entity XML does not know (`&nbsp;`, `&eacute;`) becomes its character
 *   reference; an unknown name is kept as literal text;
 * - an Atom `<published>`/`<updated>` that is not a date is dropped (rss-parser would
 *   throw on it and lose the whole feed; the entry just goes without a date).
 * Anything else (a truncated document, a stray `<`) is left for the parser to reject.
 */
import { decodeHTMLStrict } from 'entities';

const ILLEGAL_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LEADING_SPACE = /^[\s\uFEFF]+/;
const CDATA_OR_COMMENT = /(<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$))/;
const AMPERSAND = /&(?:(#[0-9]+|#x[0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9]*));|&/g;
const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const ATOM_DATE = /<(published|updated)(?:\s[^>]*)?>([^<]*)<\/\1>/g;

/** What needsRepair looks for, each found far faster than by the repairing expressions above. */
const FORBIDDEN_CONTROL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const CDATA_OR_COMMENT_OPENING = /<!\[CDATA\[|<!--/g;
const AMPERSAND_TO_REPAIR = /&(?!(?:#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);)/;

export function repairXml(text: string): string {
  if (!needsRepair(text)) return text;
  return text
    .replace(ILLEGAL_XML_CHARS, '')
    .replace(LEADING_SPACE, '')
    .split(CDATA_OR_COMMENT)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(AMPERSAND, escapeAmpersand).replace(ATOM_DATE, withoutInvalidDate)))
    .join('');
}

/** Whether repairXml would change the text at all: most feeds need nothing repaired. */
function needsRepair(text: string): boolean {
  if (LEADING_SPACE.test(text) || FORBIDDEN_CONTROL_CHAR.test(text)) return true;
  if (hasLoneSurrogate(text)) return true;
  let partStart = 0;
  while (partStart < text.length) {
    CDATA_OR_COMMENT_OPENING.lastIndex = partStart;
    const opening = CDATA_OR_COMMENT_OPENING.exec(text);
    const part = text.slice(partStart, opening?.index ?? text.length);
    if (AMPERSAND_TO_REPAIR.test(part) || hasInvalidAtomDate(part)) return true;
    if (!opening) return false;
    const closing = opening[0] === '<!--' ? '-->' : ']]>';
    const end = text.indexOf(closing, opening.index + opening[0].length);
    partStart = end < 0 ? text.length : end + closing.length;
  }
  return false;
}

/** String.prototype.isWellFormed (Node 20; typed from ES2024 on), which finds a lone surrogate in a native scan. */
function hasLoneSurrogate(text: string): boolean {
  return !(text as string & { isWellFormed(): boolean }).isWellFormed();
}

function hasInvalidAtomDate(part: string): boolean {
  for (const [, , date] of part.matchAll(ATOM_DATE)) if (!isDate(date ?? '')) return true;
  return false;
}

function escapeAmpersand(match: string, numeric: string | undefined, name: string | undefined): string {
  if (numeric !== undefined) return match;
  if (name === undefined) return '&amp;';
  if (XML_ENTITIES.has(name)) return match;
  const decoded = decodeHTMLStrict(match);
  if (decoded === match) return `&amp;${name};`;
  return [...decoded].map((c) => `&#${c.codePointAt(0)};`).join('');
}

function withoutInvalidDate(element: string, _name: string, date: string): string {
  return isDate(date) ? element : '';
}

function isDate(text: string): boolean {
  return !Number.isNaN(new Date(text.trim()).getTime());
}
