import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../src/feeds/filter.ts';
import { filterExcludesAll } from '../../src/feeds/filter-check.ts';
import { article } from '../helpers/articles.ts';

describe('filterExcludesAll', () => {
  const items = [article(1, { title: 'Tenge steadies', categories: ['Economy'] }), article(2, { title: 'Wrestlers win', categories: ['Sports'] })];

  it('warns when no current item passes', () => {
    const filter = compileFilter({ categories: { include: ['Busines'] } });
    expect(filterExcludesAll(filter, items, ['astanatimes'])).toBe(
      "warning: the filter lets none of the 2 current item(s) of feed(s) astanatimes through; check its entries against the feeds' categories and titles (`herald preview` shows the rule that filtered each)",
    );
  });

  it('says nothing when one item passes, or when there are no items', () => {
    const filter = compileFilter({ categories: { include: ['Economy'] } });
    expect(filterExcludesAll(filter, items, ['astanatimes'])).toBeUndefined();
    expect(filterExcludesAll(compileFilter({ categories: { include: ['X'] } }), [], ['astanatimes'])).toBeUndefined();
  });
});
