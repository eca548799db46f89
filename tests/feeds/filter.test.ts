import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { categoryProblem, compileFilter, describeRule, keywordProblem, type ChannelFilter } from '../../src/feeds/filter.ts';

const article = (title: string, summary = '', categories: string[] = []) => ({ title, summary, categories });
const keywordPasses = (keyword: string, title: string) => compileFilter({ keywords: { include: [keyword] } })(article(title)).pass;

describe('keywords', () => {
  it('match whole words and phrases in Latin text, case-insensitively', () => {
    expect(keywordPasses('live updates', 'Election night: LIVE  Updates from Astana')).toBe(true);
    expect(keywordPasses('live updates', 'Liveupdates are here')).toBe(false);
    expect(keywordPasses('oil', 'Oil prices rise')).toBe(true);
    expect(keywordPasses('oil', 'Turmoil in the markets')).toBe(false);
    expect(keywordPasses('oil', 'Oilfield output')).toBe(false);
    expect(keywordPasses('C5+1', 'At the C5+1 summit')).toBe(true);
    expect(keywordPasses('C5+1', 'At the C5+10 summit')).toBe(false);
    expect(keywordPasses('U.S.', 'Kazakhstan and the U.S. sign')).toBe(true);
  });

  it('match whole words in Cyrillic and Kazakh text, not inside a longer word', () => {
    expect(keywordPasses('Алматы', 'в Алматы прошёл форум')).toBe(true);
    expect(keywordPasses('алматы', 'В АЛМАТЫ прошёл форум')).toBe(true);
    expect(keywordPasses('Алматы', 'Алматыдағы жиын')).toBe(false);
    expect(keywordPasses('Алматыдағы', 'Алматыдағы жиын')).toBe(true);
    expect(keywordPasses('қазақ тілі', 'Қазақ тілі күні')).toBe(true);
    expect(keywordPasses('тілі', 'Қазақ тіліне')).toBe(false);
    expect(keywordPasses('Астана', 'Форум «Астана»')).toBe(true);
  });

  it('match a keyword written in decomposed form against composed text', () => {
    expect(keywordPasses('café', 'Le cafe\u0301 ouvre')).toBe(true);
    expect(keywordPasses('cafe', 'Le café ouvre')).toBe(false);
  });

  it('match inside a run of letters in scripts written without spaces', () => {
    expect(keywordPasses('東京', '東京都で会議')).toBe(true);
  });

  it('test the title and the summary each on their own', () => {
    const filter = compileFilter({ keywords: { exclude: ['prices rise'] } });
    expect(filter(article('Oil prices', 'rise again'))).toEqual({ pass: true });
    expect(filter(article('Markets', 'Oil prices rise again'))).toEqual({
      pass: false,
      rule: { list: 'keywords.exclude', entry: 'prices rise', matched: 'summary' },
    });
  });

  it('take /…/flags as a regular expression', () => {
    const filter = compileFilter({ keywords: { exclude: ['/^watch:/i', '/\\d{4} budget/'] } });
    expect(filter(article('WATCH: the parade'))).toEqual({ pass: false, rule: { list: 'keywords.exclude', entry: '/^watch:/i', matched: 'title' } });
    expect(filter(article('How to watch: the parade'))).toEqual({ pass: true });
    expect(filter(article('The 2027 budget'))).toEqual({ pass: false, rule: { list: 'keywords.exclude', entry: '/\\d{4} budget/', matched: 'title' } });
    expect(filter(article('The 2027 Budget'))).toEqual({ pass: true });
  });

  it('test a global regular expression the same way every time', () => {
    const filter = compileFilter({ keywords: { include: ['/astana/gi'] } });
    expect([1, 2, 3].map(() => filter(article('Astana', 'Astana')).pass)).toEqual([true, true, true]);
  });
});

describe('categories', () => {
  it('match the category name trimmed, case-insensitively', () => {
    const filter = compileFilter({ categories: { exclude: ['sponsored'] } });
    expect(filter(article('t', '', ['  SPONSORED '])).pass).toBe(false);
    expect(filter(article('t', '', ['Sponsored content'])).pass).toBe(true);
  });
});

describe('include and exclude', () => {
  const filter: ChannelFilter = {
    categories: { include: ['Business', 'Economy'], exclude: ['Sponsored'] },
    keywords: { exclude: ['live updates'] },
  };
  const verdict = compileFilter(filter);

  it('pass an article that matches an include entry and no exclude entry', () => {
    expect(verdict(article('Tenge steadies', '', ['Economy']))).toEqual({ pass: true });
  });

  it('name the list and the entry that filtered an article', () => {
    expect(verdict(article('Tenge steadies', '', ['Sport']))).toEqual({ pass: false, rule: { list: 'categories.include' } });
    expect(verdict(article('Tenge', '', ['Business', 'Sponsored']))).toEqual({
      pass: false,
      rule: { list: 'categories.exclude', entry: 'Sponsored', matched: 'Sponsored' },
    });
    expect(verdict(article('Live updates: the budget', '', ['Business']))).toEqual({
      pass: false,
      rule: { list: 'keywords.exclude', entry: 'live updates', matched: 'title' },
    });
  });

  it('require both categories and keywords to pass', () => {
    const both = compileFilter({ categories: { include: ['Nation'] }, keywords: { include: ['Tokayev'] } });
    expect(both(article('Tokayev visits', '', ['Nation'])).pass).toBe(true);
    expect(both(article('Tokayev visits', '', ['World']))).toEqual({ pass: false, rule: { list: 'categories.include' } });
    expect(both(article('Minister visits', '', ['Nation']))).toEqual({ pass: false, rule: { list: 'keywords.include' } });
  });

  it('pass everything without a filter or with empty lists', () => {
    expect(compileFilter(undefined)(article('x'))).toEqual({ pass: true });
    expect(compileFilter({ categories: { include: [] }, keywords: {} })(article('x'))).toEqual({ pass: true });
  });

  it('words the rule for preview', () => {
    expect(describeRule({ list: 'keywords.exclude', entry: 'live updates', matched: 'title' })).toBe('keywords.exclude "live updates" (in the title)');
    expect(describeRule({ list: 'categories.exclude', entry: 'sponsored', matched: 'Sponsored' })).toBe('categories.exclude "sponsored" (category "Sponsored")');
    expect(describeRule({ list: 'categories.include' })).toBe('categories.include: matches none of its entries');
  });
});

describe('config problems', () => {
  it('reports an invalid regular expression and empty entries', () => {
    expect(keywordProblem('/[unclosed/')).toBe('invalid regular expression /[unclosed/: /[unclosed/: Unterminated character class');
    expect(keywordProblem('/x/q')).toBe("invalid regular expression /x/q: Invalid flags supplied to RegExp constructor 'q'");
    expect(keywordProblem('  ')).toBe('an empty keyword matches nothing: remove it');
    expect(keywordProblem('/^watch:/i')).toBeUndefined();
    expect(keywordProblem('a/b')).toBeUndefined();
    expect(categoryProblem('')).toBe('an empty category matches nothing: remove it');
  });
});

describe('keyword matching (property)', () => {
  const letters = fc.string({ unit: fc.constantFrom(...'abcxyzабвгдеқңүұәөіһ'), minLength: 1, maxLength: 8 });

  it('finds a word wherever it stands alone, and never inside a longer word', () => {
    fc.assert(
      fc.property(letters, letters, letters, (word, left, right) => {
        expect(keywordPasses(word, `${left} ${word.toUpperCase()}, ${right}`)).toBe(true);
        expect(keywordPasses(word, `${left}${word}${right}`)).toBe(false);
        expect(keywordPasses(word, `${left}${word}`)).toBe(false);
        expect(keywordPasses(word, `${word}${right}`)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('treats any other text as a literal keyword that finds itself', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== '' && !/^\/.+\/[a-z]*$/s.test(s.trim())), (keyword) => {
        expect(keywordProblem(keyword)).toBeUndefined();
        expect(keywordPasses(keyword, keyword)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
