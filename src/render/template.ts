/**
 * Post templates: `{title}` and friends in plain text, `{{` and `}}` for literal braces.
 * Filling a template yields parts (literal text and placeholder values, all plain text)
 * that an adapter's `format` escapes and marks up.
 */
import type { Part, PartKind } from '../platform.ts';

export type PlaceholderKind = Exclude<PartKind, 'literal'>;

export const PLACEHOLDERS: readonly PlaceholderKind[] = ['title', 'summary', 'link', 'hashtags', 'author', 'categories'];

type Token = { kind: 'literal'; text: string } | { kind: PlaceholderKind } | { kind: 'unknown'; name: string };

const TOKEN = /\{\{|\}\}|\{([^{}\s]*)\}/g;

function isPlaceholder(name: string): name is PlaceholderKind {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

/** Each template's tokens and lines, read once: a template is filled for every attempt at fitting a post. */
const tokensOf = new Map<string, Token[]>();
const linesOf = new Map<string, LineToken[][]>();

function tokenize(template: string): Token[] {
  let tokens = tokensOf.get(template);
  if (!tokens) {
    tokens = tokensIn(template);
    tokensOf.set(template, tokens);
  }
  return tokens;
}

function tokensIn(template: string): Token[] {
  const tokens: Token[] = [];
  let literal = '';
  let last = 0;
  for (const match of template.matchAll(TOKEN)) {
    literal += template.slice(last, match.index);
    last = match.index + match[0].length;
    const name = match[1];
    if (name === undefined) {
      literal += match[0][0];
      continue;
    }
    if (literal) tokens.push({ kind: 'literal', text: literal });
    literal = '';
    tokens.push(isPlaceholder(name) ? { kind: name } : { kind: 'unknown', name });
  }
  literal += template.slice(last);
  if (literal) tokens.push({ kind: 'literal', text: literal });
  return tokens;
}

function unknownPlaceholder(name: string): string {
  const known = PLACEHOLDERS.map((p) => `{${p}}`).join(', ');
  return `unknown placeholder {${name}} (use one of: ${known}; write {{ and }} for literal braces)`;
}

/** What is wrong with a template, for config validation; undefined when it is fine. */
export function templateProblem(template: string): string | undefined {
  const unknown = tokenize(template).find((t) => t.kind === 'unknown');
  return unknown && unknownPlaceholder(unknown.name);
}

/** The placeholders a template uses. */
export function placeholdersIn(template: string): Set<PlaceholderKind> {
  const used = new Set<PlaceholderKind>();
  for (const t of tokenize(template)) if (t.kind !== 'literal' && t.kind !== 'unknown') used.add(t.kind);
  return used;
}

type LineToken = Exclude<Token, { kind: 'unknown' }>;

function splitLines(tokens: Token[]): LineToken[][] {
  const lines: LineToken[][] = [[]];
  for (const token of tokens) {
    if (token.kind === 'unknown') throw new Error(unknownPlaceholder(token.name));
    if (token.kind !== 'literal') {
      lines[lines.length - 1]!.push(token);
      continue;
    }
    token.text.split('\n').forEach((text, i) => {
      if (i > 0) lines.push([]);
      if (text) lines[lines.length - 1]!.push({ kind: 'literal', text });
    });
  }
  return lines;
}

/**
 * The parts of one line, trailing whitespace trimmed; undefined when every placeholder on
 * it is empty. An empty placeholder takes the whitespace after it along when there is
 * whitespace (or the start of the line) before it: "{author} {title}" gives "Title".
 */
function fillLine(line: LineToken[], values: Partial<Record<PlaceholderKind, string>>): Part[] | undefined {
  const parts: Part[] = [];
  let placeholders = 0;
  let filled = 0;
  let swallowSpace = false;
  for (const token of line) {
    if (token.kind === 'literal') {
      const text = swallowSpace ? token.text.trimStart() : token.text;
      if (text) parts.push({ kind: 'literal', text });
      swallowSpace = false;
      continue;
    }
    placeholders++;
    const text = values[token.kind]?.trim() ?? '';
    if (!text) {
      const before = parts[parts.length - 1];
      swallowSpace = !before || /\s$/.test(before.text);
      continue;
    }
    filled++;
    swallowSpace = false;
    parts.push({ kind: token.kind, text });
  }
  if (placeholders > 0 && filled === 0) return undefined;
  while (parts.length > 0) {
    const lastPart = parts[parts.length - 1]!;
    if (lastPart.kind !== 'literal') break;
    const trimmed = lastPart.text.trimEnd();
    if (trimmed) {
      lastPart.text = trimmed;
      break;
    }
    parts.pop();
  }
  return parts;
}

function appendLiteral(parts: Part[], text: string): void {
  const last = parts[parts.length - 1];
  if (last?.kind === 'literal') last.text += text;
  else parts.push({ kind: 'literal', text });
}

/**
 * Fills in a template. A line whose placeholders are all empty disappears (with any
 * literal text on it, so "By {author}" leaves nothing when there is no author); runs of
 * blank lines collapse to one; there are no leading or trailing blank lines and no
 * trailing spaces. Throws on an unknown placeholder (config validation reports those
 * first, with `templateProblem`).
 */
export function fillTemplate(template: string, values: Partial<Record<PlaceholderKind, string>>): Part[] {
  let templateLines = linesOf.get(template);
  if (!templateLines) {
    templateLines = splitLines(tokenize(template));
    linesOf.set(template, templateLines);
  }
  const parts: Part[] = [];
  let pendingBlank = false;
  let started = false;
  for (const templateLine of templateLines) {
    const line = fillLine(templateLine, values);
    if (line === undefined) continue;
    if (line.length === 0) {
      pendingBlank = started;
      continue;
    }
    if (started) appendLiteral(parts, pendingBlank ? '\n\n' : '\n');
    for (const part of line) {
      if (part.kind === 'literal') appendLiteral(parts, part.text);
      else parts.push(part);
    }
    started = true;
    pendingBlank = false;
  }
  return parts;
}
