import { describe, expect, it } from 'vitest';
import { fillTemplate, PLACEHOLDERS, placeholdersIn, templateProblem } from '../../src/render/template.ts';
import type { Part } from '../../src/platform.ts';

const textOf = (parts: Part[]) => parts.map((p) => p.text).join('');

const FULL = {
  title: 'Kazakhstan, US Maintain Constructive Dialogue',
  summary: 'ASTANA – The parties met on May 20.',
  link: 'https://astanatimes.com/2024/05/dialogue/',
  hashtags: '#Nation #ForeignPolicy',
  author: 'Staff Report',
  categories: 'Nation, Foreign Policy',
} as const;
type Key = keyof typeof FULL;
type Values = Record<Key, string>;
/** One template line: its text for these values, undefined when it should vanish. */
type Line = (v: Values) => string | undefined;
const KEYS = Object.keys(FULL) as Key[];

/** Every way of leaving some placeholders empty. */
function* emptyCombinations(): Generator<{ values: Values; empty: Key[] }> {
  for (let mask = 0; mask < 1 << KEYS.length; mask++) {
    const empty = KEYS.filter((_, i) => mask & (1 << i));
    const values = Object.fromEntries(KEYS.map((k) => [k, empty.includes(k) ? '' : FULL[k]])) as Values;
    yield { values, empty };
  }
}

/** The expected text for a template made of paragraphs of lines: empty lines vanish, then empty paragraphs. */
function byParagraphs(paragraphs: Line[][], values: Values): string {
  return paragraphs
    .map((lines) => lines.map((line) => line(values)).filter((l): l is string => l !== undefined).join('\n'))
    .filter(Boolean)
    .join('\n\n');
}

function expectNoStrayWhitespace(text: string) {
  expect(text).not.toMatch(/\n\s*\n\s*\n/);
  expect(text).not.toMatch(/^\s/);
  expect(text).not.toMatch(/\s$/);
  expect(text).not.toMatch(/[ \t]\n/);
}

describe('PLACEHOLDERS', () => {
  it('lists the six placeholders of the config contract', () => {
    expect([...PLACEHOLDERS].sort()).toEqual(['author', 'categories', 'hashtags', 'link', 'summary', 'title']);
  });
});

describe('templateProblem', () => {
  it('accepts every known placeholder and escaped braces', () => {
    expect(templateProblem('{title}\n\n{summary}\n\n{link}\n{hashtags}')).toBeUndefined();
    expect(templateProblem('{{not a placeholder}} {author} {categories}')).toBeUndefined();
    expect(templateProblem('plain text, no placeholders')).toBeUndefined();
  });

  it('names an unknown placeholder and lists the known ones', () => {
    expect(templateProblem('{titel}\n{link}')).toBe(
      'unknown placeholder {titel} (use one of: {title}, {summary}, {link}, {hashtags}, {author}, {categories}; write {{ and }} for literal braces)',
    );
    expect(templateProblem('{link} {}')).toMatch(/^unknown placeholder \{\} /);
    expect(templateProblem('{Title}')).toMatch(/^unknown placeholder \{Title\} /);
  });
});

describe('placeholdersIn', () => {
  it('returns the placeholders a template uses', () => {
    expect([...placeholdersIn('{title} {link} {title}')].sort()).toEqual(['link', 'title']);
    expect([...placeholdersIn('{{title}} {link}')]).toEqual(['link']);
  });
});

describe('fillTemplate', () => {
  it('keeps literal text as literal parts, newlines included, and placeholders as their own parts', () => {
    expect(fillTemplate('📰 {title}\n\nRead: {link}\n{hashtags}', FULL)).toEqual([
      { kind: 'literal', text: '📰 ' },
      { kind: 'title', text: FULL.title },
      { kind: 'literal', text: '\n\nRead: ' },
      { kind: 'link', text: FULL.link },
      { kind: 'literal', text: '\n' },
      { kind: 'hashtags', text: FULL.hashtags },
    ]);
  });

  it('unescapes {{ and }} into literal braces, markup characters untouched', () => {
    expect(fillTemplate('{{title}} <b>{title}</b> & }}', { title: 'T' })).toEqual([
      { kind: 'literal', text: '{title} <b>' },
      { kind: 'title', text: 'T' },
      { kind: 'literal', text: '</b> & }' },
    ]);
  });

  it('throws on an unknown placeholder', () => {
    expect(() => fillTemplate('{titel}', {})).toThrow('unknown placeholder {titel}');
  });

  it('leaves no stray blank lines in the default template, whatever is empty', () => {
    const template = '{title}\n\n{summary}\n\n{link}\n{hashtags}';
    const paragraphs: Line[][] = [[(v) => v.title || undefined], [(v) => v.summary || undefined], [(v) => v.link || undefined, (v) => v.hashtags || undefined]];
    let combinations = 0;
    for (const { values } of emptyCombinations()) {
      const text = textOf(fillTemplate(template, values));
      expect(text).toBe(byParagraphs(paragraphs, values));
      expectNoStrayWhitespace(text);
      combinations++;
    }
    expect(combinations).toBe(64);
  });

  it('leaves no stray blank lines or dangling labels in a template using every placeholder', () => {
    const template = '\n{title}\nBy {author}   \n\n\n{summary}\n   \n{categories}\n{link}\n{hashtags}\n\n';
    const paragraphs: Line[][] = [
      [(v) => v.title || undefined, (v) => (v.author ? `By ${v.author}` : undefined)],
      [(v) => v.summary || undefined],
      [(v) => v.categories || undefined, (v) => v.link || undefined, (v) => v.hashtags || undefined],
    ];
    for (const { values, empty } of emptyCombinations()) {
      const text = textOf(fillTemplate(template, values));
      expect(text, `empty: ${empty.join(', ')}`).toBe(byParagraphs(paragraphs, values));
      expectNoStrayWhitespace(text);
    }
  });

  it('removes a line of several empty placeholders, keeps a line with one filled', () => {
    const template = '{title}\n{author} {categories} {hashtags}\n{link}';
    expect(textOf(fillTemplate(template, { title: 'T', link: 'L' }))).toBe('T\nL');
    expect(textOf(fillTemplate(template, { title: 'T', link: 'L', categories: 'Nation' }))).toBe('T\nNation\nL');
    expect(textOf(fillTemplate(template, { title: 'T', link: 'L', author: 'A', hashtags: '#H' }))).toBe('T\nA #H\nL');
    expect(textOf(fillTemplate(template, { title: 'T', link: 'L', author: 'A' }))).toBe('T\nA\nL');
  });

  it('leaves no double or leading space where an empty placeholder was, and keeps indentation', () => {
    expect(textOf(fillTemplate('{title} {author} {link}', { title: 'T', link: 'L' }))).toBe('T L');
    expect(textOf(fillTemplate('{title} {link}', { link: 'L' }))).toBe('L');
    expect(textOf(fillTemplate('{hashtags} — {title}', { title: 'T' }))).toBe('— T');
    expect(textOf(fillTemplate('  {author} {title}\n{link}', { title: 'T', link: 'L' }))).toBe('  T\nL');
  });

  it('trims trailing spaces left by an empty placeholder at the end of a line', () => {
    expect(textOf(fillTemplate('{title} {hashtags}\n{link}', { title: 'T', link: 'L' }))).toBe('T\nL');
    expect(fillTemplate('{title} — {author}', { title: 'T', author: 'A ' })).toEqual([
      { kind: 'title', text: 'T' },
      { kind: 'literal', text: ' — ' },
      { kind: 'author', text: 'A' },
    ]);
  });

  it('keeps literal-only lines and collapses blank ones between them', () => {
    expect(textOf(fillTemplate('Breaking\n\n\n\nnews: {title}', { title: 'T' }))).toBe('Breaking\n\nnews: T');
    expect(textOf(fillTemplate('  \n\t\n', {}))).toBe('');
  });
});
