/**
 * A feed's XML as the object xml2js makes of it with rss-parser's options (each child element's
 * name a key of an array, attributes under `$`, text under `_`), read by one sticky regular
 * expression: six times as fast as xml2js's sax, the most CPU a poll costs (issue 13). It reads
 * only well-formed XML it is sure of, and declines (undefined) everything else, for xml2js to
 * read or to say what is wrong: a tag it cannot read, or closed out of order, or never; an
 * attribute given twice; an element named `_`; a raw `&`, an entity XML does not define, or a
 * reference to a character XML has no place for; `--` in a comment; an instruction other than
 * the XML declaration (first) or a stylesheet; an internal DTD subset; text outside the root;
 * a second root. tests/feeds/xml-tree.property.test.ts shows both read the same.
 */
type Element = Record<string, unknown>;

/** sax's NameStartChar and NameChar. */
const START = ':_A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME = `[${START}][${START}\\u00B7\\u0300-\\u036F\\u203F-\\u2040.\\d-]*`;
/** XML's white space: fewer characters than `\s`. */
const S = '[ \\t\\r\\n]';
const ATTRIBUTE = `${S}+(${NAME})${S}*=${S}*(?:"([^"<]*)"|'([^'<]*)')`;

/** One token at a time: an opening tag (name, attributes, `/`), a closing tag, a comment, CDATA, an instruction, a doctype, text. */
const TOKEN = new RegExp(
  `<(?:(${NAME})((?:${ATTRIBUTE.replace(/\((?!\?)/g, '(?:')})*)${S}*(/?)>|/(${NAME})${S}*>|!--(?:[^-]|-(?!-))*-->|!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|\\?(${NAME})[^?]*\\?>|!DOCTYPE${S}(?:[^[>'"]|"[^"]*"|'[^']*')*>)|([^<]+)`,
  'y',
);
const ATTRIBUTES = new RegExp(ATTRIBUTE, 'g');

export function xmlTree(xml: string): Element | undefined {
  const open: Element[] = [];
  const names: string[] = [];
  let root: Element | undefined;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < xml.length) {
    const at = TOKEN.lastIndex;
    const token = TOKEN.exec(xml);
    if (!token) return undefined;
    const [, opening, attributes, selfClosing, closing, cdata, instruction, text] = token;
    const current = open[open.length - 1];
    if (opening !== undefined) {
      // An element named `_` would be the text's key: xml2js fails on it.
      if (root || opening === '_') return undefined;
      const element: Element = Object.create(null);
      element._ = '';
      if (attributes) {
        const values: Element = Object.create(null);
        for (const [, name, double, single] of attributes.matchAll(ATTRIBUTES)) {
          const value = decoded(double ?? single!);
          if (name! in values || value === undefined) return undefined;
          values[name!] = value;
        }
        element.$ = values;
      }
      open.push(element);
      names.push(opening);
      if (selfClosing) root = close(open, names);
    } else if (closing !== undefined) {
      if (closing !== names[names.length - 1]) return undefined;
      root = close(open, names);
    } else if (cdata !== undefined) {
      if (!current) return undefined;
      current._ += cdata;
      current.cdata = true;
    } else if (instruction !== undefined) {
      if (instruction === 'xml' ? at !== 0 : instruction !== 'xml-stylesheet') return undefined;
    } else if (text !== undefined) {
      if (!current) {
        if (!/^[ \t\r\n]*$/.test(text)) return undefined;
        continue;
      }
      const value = decoded(text);
      if (value === undefined) return undefined;
      current._ += value;
    } else if (xml.startsWith('<!D', at) && (open.length > 0 || root)) {
      return undefined;
    }
  }
  return open.length === 0 ? root : undefined;
}

/** Closes the innermost element into its parent; the document (the root's name → the root) when it was the root, and until then undefined. */
function close(open: Element[], names: string[]): Element | undefined {
  const element = open.pop()!;
  const name = names.pop()!;
  const value = valueOf(element);
  const parent = open[open.length - 1];
  if (!parent) return Object.assign(Object.create(null) as Element, { [name]: value });
  ((parent[name] ??= []) as unknown[]).push(value);
  return undefined;
}

/** What xml2js makes of a closed element: its text alone when it has nothing else, '' or its whitespace when it has nothing at all. */
function valueOf(element: Element): unknown {
  const cdata = element.cdata === true;
  delete element.cdata;
  const text = element._ as string;
  if (!cdata && /^\s*$/.test(text)) {
    delete element._;
    return Object.keys(element).length === 0 ? text : element;
  }
  return Object.keys(element).length === 1 ? text : element;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Text or an attribute value with its references read; undefined for a raw `&`, an unknown name, or a character XML has no place for. */
function decoded(raw: string): string | undefined {
  if (!raw.includes('&')) return raw;
  let valid = true;
  const text = raw.replace(/&(?:#[xX]([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z]+));|&/g, (_, hex?: string, decimal?: string, name?: string) => {
    const character = name !== undefined ? ENTITIES[name] : hex !== undefined || decimal !== undefined ? xmlCharacter(hex === undefined ? Number.parseInt(decimal!, 10) : Number.parseInt(hex, 16)) : undefined;
    if (character === undefined) valid = false;
    return character ?? '';
  });
  return valid ? text : undefined;
}

function xmlCharacter(code: number): string | undefined {
  const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
  return allowed ? String.fromCodePoint(code) : undefined;
}
