import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hashtagFromCategory, hashtagsFrom } from '../../src/render/hashtags.ts';

const fromCategories = (categories: string[], max = 10) => hashtagsFrom(categories, { fromCategories: true, max, fixed: [] });

describe('hashtagsFrom', () => {
  it('camel-cases words split on spaces and punctuation', () => {
    expect(fromCategories(['foreign policy', 'C5+1', 'COVID-19', 'rights-related matters', "people's voice", 'e_government'])).toEqual([
      '#ForeignPolicy',
      '#C51',
      '#COVID19',
      '#RightsRelatedMatters',
      '#PeoplesVoice',
      '#EGovernment',
    ]);
  });

  it('keeps letters, digits and combining marks of any script', () => {
    expect(
      fromCategories(['Казахстан', 'внешняя политика', 'Қазақ тілі', 'الشرق الأوسط', 'भारत समाचार', '日本 経済', 'ｆｕｌｌ ｗｉｄｔｈ', 'straße']),
    ).toEqual(['#Казахстан', '#ВнешняяПолитика', '#ҚазақТілі', '#الشرقالأوسط', '#भारतसमाचार', '#日本経済', '#ＦｕｌｌＷｉｄｔｈ', '#Straße']);
  });

  it('drops categories that are empty or only digits once cleaned', () => {
    expect(fromCategories(['', '   ', '!!!', '2024', '2024 – 2025', '🇰🇿', '😀 Emoji', 'Top 10'])).toEqual(['#Emoji', '#Top10']);
  });

  it('deduplicates ignoring case and punctuation, keeping the first spelling', () => {
    expect(fromCategories(['Foreign Policy', 'foreign-policy', 'FOREIGN POLICY', 'ForeignPolicy', 'Nation', 'nation'])).toEqual(['#ForeignPolicy', '#Nation']);
  });

  it('puts fixed tags first, normalized the same way, and counts them towards max', () => {
    expect(hashtagsFrom(['Nation', 'Economy'], { fromCategories: true, max: 2, fixed: ['#AstanaTimes'] })).toEqual(['#AstanaTimes', '#Nation']);
    expect(hashtagsFrom(['Nation'], { fromCategories: true, max: 5, fixed: ['news central asia', '#nation'] })).toEqual(['#NewsCentralAsia', '#Nation']);
    expect(hashtagsFrom(['Nation'], { fromCategories: true, max: 1, fixed: ['#A', '#B'] })).toEqual(['#A']);
  });

  it('uses only the fixed tags when fromCategories is false', () => {
    expect(hashtagsFrom(['Nation', 'Economy'], { fromCategories: false, max: 5, fixed: ['Kazakhstan'] })).toEqual(['#Kazakhstan']);
    expect(hashtagsFrom(['Nation'], { fromCategories: false, max: 5, fixed: [] })).toEqual([]);
  });

  it('returns at most max tags, none for max 0', () => {
    const categories = ['A one', 'B two', 'C three', 'D four'];
    expect(fromCategories(categories, 0)).toEqual([]);
    expect(fromCategories(categories, 3)).toEqual(['#AOne', '#BTwo', '#CThree']);
  });

  it('always yields well-formed, distinct tags of letters, digits and marks (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { maxLength: 20 }), fc.nat({ max: 8 }), (categories, max) => {
        const tags = fromCategories(categories, max);
        expect(tags.length).toBeLessThanOrEqual(max);
        expect(new Set(tags.map((t) => t.toLowerCase())).size).toBe(tags.length);
        for (const tag of tags) {
          expect(tag).toMatch(/^#[\p{L}\p{N}\p{M}]+$/u);
          expect(tag).not.toMatch(/^#[\p{N}\p{M}]+$/u);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never makes a hashtag of a publishing system bookkeeping category, in any spelling', () => {
    expect(
      fromCategories(['Uncategorized', 'uncategorised', 'GENERAL', 'Featured', 'Top Stories', 'top-stories', 'Homepage', 'Most Popular', 'Slider', 'Без рубрики', "Editor's Picks", 'Nation']),
    ).toEqual(['#Nation']);
  });

  it('maps a category to another hashtag, or drops it with an empty string; keys match ignoring case', () => {
    const opts = { fromCategories: true, max: 5, fixed: [], map: { nation: 'Kazakhstan', 'business & economy': '', Featured: 'Highlights' } };
    expect(hashtagsFrom(['Nation', 'Business & Economy', 'Featured', 'Sport'], opts)).toEqual(['#Kazakhstan', '#Highlights', '#Sport']);
    expect(hashtagsFrom(['NATION', 'Kazakhstan'], opts)).toEqual(['#Kazakhstan']);
  });

  it('excludes categories the channel names, ignoring case, before counting max', () => {
    const opts = { fromCategories: true, max: 2, fixed: [], exclude: ['news', ' Nation '] };
    expect(hashtagsFrom(['News', 'nation', 'Economy', 'Sport', 'Culture'], opts)).toEqual(['#Economy', '#Sport']);
  });

  it('writes a name in index form the way a person would, and drops other comma lists', () => {
    expect(hashtagFromCategory('Dorsey, Jack')).toBe('#JackDorsey');
    expect(hashtagFromCategory('Biden, Joseph R Jr')).toBe('#JosephBiden');
    expect(hashtagFromCategory('Alexander, Elizabeth (1962- )')).toBe('#ElizabethAlexander');
    expect(hashtagFromCategory('C K, Louis')).toBe('#LouisCK');
    expect(hashtagFromCategory('Назарбаев, Нурсултан')).toBe('#НурсултанНазарбаев');
    expect(hashtagFromCategory('Demonstrations, Protests and Riots')).toBeUndefined();
    expect(hashtagFromCategory('Elections, House of Representatives')).toBeUndefined();
    expect(hashtagFromCategory('Behind the Scenes,Interview,Scratched,Song Tindern,DASDING,Unterhaltung')).toBeUndefined();
  });

  it('calms SHOUTED CAPS, keeping acronyms', () => {
    expect(hashtagFromCategory('BREAKING NEWS')).toBe('#BreakingNews');
    expect(hashtagFromCategory('DASDING')).toBe('#Dasding');
    expect(hashtagFromCategory('ҚАЗАҚСТАН')).toBe('#Қазақстан');
    expect(hashtagFromCategory('USA TODAY')).toBe('#USAToday');
    expect(hashtagFromCategory('NATO')).toBe('#NATO');
    expect(hashtagFromCategory('COVID-19')).toBe('#COVID19');
    expect(hashtagFromCategory('EU-China')).toBe('#EUChina');
  });

  it('leaves out long phrases and taxonomy paths, and drops a trailing qualifier', () => {
    expect(hashtagFromCategory('Alternative and Renewable Energy')).toBeUndefined();
    expect(hashtagFromCategory('Russian Invasion of Ukraine (2022)')).toBeUndefined();
    expect(hashtagFromCategory('Ancestor Trouble: A Reckoning and a Reconciliation (Book)')).toBeUndefined();
    expect(hashtagFromCategory('structure:sport')).toBeUndefined();
    expect(hashtagFromCategory('topics:places/ukraine')).toBeUndefined();
    expect(hashtagFromCategory('Content Type: Personal Profile')).toBeUndefined();
    expect(hashtagFromCategory('Business/Industries/Publishing/Publishers/Nonfiction/')).toBeUndefined();
    expect(hashtagFromCategory('Gowanus Canal (Brooklyn, NY)')).toBe('#GowanusCanal');
    expect(hashtagFromCategory('Foreign Investors Council')).toBe('#ForeignInvestorsCouncil');
    expect(hashtagFromCategory('Kazakhstan-US relations')).toBe('#KazakhstanUSRelations');
  });
});

