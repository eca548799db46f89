/**
 * A strict reading of Telegram's HTML parse mode (https://core.telegram.org/bots/api#html-style):
 * only its tags, properly nested and closed; only &lt; &gt; &amp; &quot; and numeric
 * entities; no raw `<`, `>` or `&` outside markup. Gives the text as Telegram shows it
 * (what it counts against its limits) and the links. Stricter than Telegram where
 * Telegram is lenient, so what passes here is accepted there.
 */

export type TelegramHtml =
  | { ok: true; text: string; links: string[] }
  | { ok: false; error: string };

/** Tags and the attributes each takes ('bare': an attribute without a value). */
const TAGS: Record<string, Record<string, 'value' | 'bare'>> = {
  b: {},
  strong: {},
  i: {},
  em: {},
  u: {},
  ins: {},
  s: {},
  strike: {},
  del: {},
  span: { class: 'value' },
  'tg-spoiler': {},
  a: { href: 'value' },
  code: { class: 'value' },
  pre: {},
  blockquote: { expandable: 'bare' },
  'tg-emoji': { 'emoji-id': 'value' },
};

const ENTITY = /^&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

class HtmlError extends Error {}

/** Decodes the entity at `at`; throws when there is none a Telegram client would accept. */
function entityAt(html: string, at: number): { text: string; length: number } {
  const m = ENTITY.exec(html.slice(at, at + 12));
  if (!m) throw new HtmlError(`raw "&" or unsupported entity at offset ${at}: ${JSON.stringify(html.slice(at, at + 12))}`);
  if (m[1]) return { text: NAMED[m[1]]!, length: m[0].length };
  const codePoint = m[2] !== undefined ? Number(m[2]) : parseInt(m[3]!, 16);
  if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
    throw new HtmlError(`entity ${m[0]} at offset ${at} is not a character`);
  }
  return { text: String.fromCodePoint(codePoint), length: m[0].length };
}

/** The decoded value of a quoted attribute starting at `at` (the quote). */
function attributeValue(html: string, at: number): { value: string; end: number } {
  const quote = html[at];
  if (quote !== '"' && quote !== "'") throw new HtmlError(`unquoted attribute value at offset ${at}`);
  let value = '';
  let i = at + 1;
  while (i < html.length && html[i] !== quote) {
    const c = html[i]!;
    if (c === '<') throw new HtmlError(`raw "<" in an attribute value at offset ${i}`);
    if (c === '&') {
      const entity = entityAt(html, i);
      value += entity.text;
      i += entity.length;
      continue;
    }
    value += c;
    i++;
  }
  if (i >= html.length) throw new HtmlError(`unclosed attribute value at offset ${at}`);
  return { value, end: i + 1 };
}

interface Tag {
  name: string;
  closing: boolean;
  attributes: Map<string, string | true>;
  end: number;
}

function tagAt(html: string, at: number): Tag {
  const head = /^<(\/?)([a-z][a-z-]*)/.exec(html.slice(at, at + 40));
  if (!head) throw new HtmlError(`raw "<" at offset ${at}`);
  const closing = head[1] === '/';
  const name = head[2]!;
  const allowed = TAGS[name];
  if (!allowed) throw new HtmlError(`unsupported tag <${name}> at offset ${at}`);
  const attributes = new Map<string, string | true>();
  let i = at + head[0].length;
  for (;;) {
    const space = /^\s*/.exec(html.slice(i))![0].length;
    i += space;
    if (html[i] === '>') return { name, closing, attributes, end: i + 1 };
    if (i >= html.length) throw new HtmlError(`unclosed tag <${name}> at offset ${at}`);
    if (closing) throw new HtmlError(`attributes on the end tag </${name}> at offset ${at}`);
    if (space === 0) throw new HtmlError(`malformed tag <${name}> at offset ${at}`);
    const attr = /^[a-z][a-z-]*/.exec(html.slice(i));
    if (!attr) throw new HtmlError(`malformed attribute in <${name}> at offset ${i}`);
    const attrName = attr[0];
    const kind = allowed[attrName];
    if (!kind) throw new HtmlError(`unsupported attribute "${attrName}" on <${name}> at offset ${i}`);
    if (attributes.has(attrName)) throw new HtmlError(`repeated attribute "${attrName}" on <${name}> at offset ${i}`);
    i += attrName.length;
    if (kind === 'bare') {
      attributes.set(attrName, true);
      continue;
    }
    if (html[i] !== '=') throw new HtmlError(`attribute "${attrName}" on <${name}> needs a value (offset ${i})`);
    const { value, end } = attributeValue(html, i + 1);
    attributes.set(attrName, value);
    i = end;
  }
}

function checkOpening(tag: Tag, open: string[], at: number): void {
  const { name, attributes } = tag;
  if (name === 'a' && attributes.get('href') === undefined) throw new HtmlError(`<a> without href at offset ${at}`);
  if (name === 'a' && open.includes('a')) throw new HtmlError(`<a> inside <a> at offset ${at}`);
  if (name === 'span' && attributes.get('class') !== 'tg-spoiler') {
    throw new HtmlError(`<span> must be class="tg-spoiler" (offset ${at})`);
  }
  if (name === 'tg-emoji' && !/^\d+$/.test(String(attributes.get('emoji-id') ?? ''))) {
    throw new HtmlError(`<tg-emoji> needs a numeric emoji-id (offset ${at})`);
  }
  if (name === 'blockquote' && open.includes('blockquote')) throw new HtmlError(`<blockquote> inside <blockquote> at offset ${at}`);
  const inner = open[open.length - 1];
  if (inner === 'code' || (inner === 'pre' && name !== 'code')) {
    throw new HtmlError(`<${name}> inside <${inner}> at offset ${at}`);
  }
  const codeClass = name === 'code' ? attributes.get('class') : undefined;
  if (codeClass !== undefined && (inner !== 'pre' || !/^language-[\w+#.-]+$/.test(String(codeClass)))) {
    throw new HtmlError(`<code class> is only for a language inside <pre> (offset ${at})`);
  }
}

/** Parses `html` as Telegram would in HTML parse mode. */
export function parseTelegramHtml(html: string): TelegramHtml {
  let text = '';
  const links: string[] = [];
  const open: string[] = [];
  try {
    let i = 0;
    while (i < html.length) {
      const c = html[i]!;
      if (c === '<') {
        const tag = tagAt(html, i);
        if (tag.closing) {
          const expected = open.pop();
          if (expected !== tag.name) {
            throw new HtmlError(`end tag </${tag.name}> at offset ${i} ${expected ? `while <${expected}> is open` : 'without a start tag'}`);
          }
        } else {
          checkOpening(tag, open, i);
          open.push(tag.name);
          const href = tag.attributes.get('href');
          if (typeof href === 'string') links.push(href);
        }
        i = tag.end;
      } else if (c === '&') {
        const entity = entityAt(html, i);
        text += entity.text;
        i += entity.length;
      } else if (c === '>') {
        throw new HtmlError(`raw ">" at offset ${i}`);
      } else {
        text += c;
        i++;
      }
    }
    const unclosed = open.pop();
    if (unclosed) throw new HtmlError(`<${unclosed}> is never closed`);
  } catch (err) {
    if (err instanceof HtmlError) return { ok: false, error: err.message };
    throw err;
  }
  return { ok: true, text, links };
}
