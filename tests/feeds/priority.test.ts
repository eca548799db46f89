import { describe, expect, it } from 'vitest';
import { articlePriority } from '../../src/feeds/priority.ts';

const scores = { feeds: { breaking: 10, opinion: -2 }, categories: { Breaking: 10, Nation: 3, Sport: -1, ' Economy ': 2 } };

describe('articlePriority', () => {
  it("adds the feed's score to the highest of its categories' scores", () => {
    expect(articlePriority({ feedId: 'main', categories: ['Nation', 'Sport'] }, scores)).toBe(3);
    expect(articlePriority({ feedId: 'breaking', categories: ['Nation', 'Breaking'] }, scores)).toBe(20);
    expect(articlePriority({ feedId: 'opinion', categories: ['economy'] }, scores)).toBe(0);
  });

  it('counts 0 for what the channel does not score, so a negative category lowers only an article it alone describes', () => {
    expect(articlePriority({ feedId: 'main', categories: ['  SPORT '] }, scores)).toBe(-1);
    expect(articlePriority({ feedId: 'main', categories: ['Sport', 'Culture'] }, scores)).toBe(0);
    expect(articlePriority({ feedId: 'main', categories: ['Culture'] }, scores)).toBe(0);
    expect(articlePriority({ feedId: 'opinion', categories: [] }, scores)).toBe(-2);
  });

  it('is 0 without priorities', () => {
    expect(articlePriority({ feedId: 'breaking', categories: ['Breaking'] }, undefined)).toBe(0);
  });
});
