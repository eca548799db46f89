/**
 * A layout's budgets measured on candidate posts: exactly by the platform's counters, each
 * text once, and beforehand, for the budgets that weigh text (Budget.prefixWeights), by a
 * lower bound that costs no count: what the link adds (Budget.linkWeight; else one exact
 * count of an anchor post, the link alone, which every candidate holds, less the weight of
 * the rest of it) plus the weight of the rest of a candidate. The link is never weighed.
 */
import type { Layout, Part, PartKind } from '../platform.ts';
import { rememberingWeigh, weightOf, type Allowance, type Weigh } from './weights.ts';

export class Gauge {
  private readonly counted = new Map<string, number[]>();
  /** Per budget: what the link adds at least; undefined for a budget that does not weigh. */
  private readonly base: (number | undefined)[];
  private readonly weighs: (Weigh | undefined)[];

  /**
   * `linkParts`: the link parts of every post; `anchorParts` and `anchorText`: the parts
   * and the text of the anchor post, asked for only when a budget has no `linkWeight`.
   */
  constructor(
    readonly layout: Layout,
    linkParts: Part[],
    anchorParts: () => Part[],
    anchorText: () => string,
  ) {
    this.weighs = layout.budgets.map((b) => b.prefixWeights && rememberingWeigh(b.prefixWeights));
    this.base = layout.budgets.map((b, i) => {
      if (!this.weighs[i]) return undefined;
      if (b.linkWeight) return linkParts.reduce((sum, p) => sum + b.linkWeight!(p.text), 0);
      return this.counts(anchorText())[i]! - this.weight(i, anchorParts(), Infinity);
    });
  }

  /** The exact count of `text` in each budget, in order. */
  counts(text: string): number[] {
    let counts = this.counted.get(text);
    if (!counts) {
      counts = this.layout.budgets.map((b) => b.count(text));
      this.counted.set(text, counts);
    }
    return counts;
  }

  fits(text: string): boolean {
    const counts = this.counts(text);
    return this.layout.budgets.every((b, i) => counts[i]! <= b.limit);
  }

  /** False when the post made of `parts` is surely over a budget, without counting it. */
  mayFit(parts: Part[]): boolean {
    return this.layout.budgets.every((b, i) => {
      const base = this.base[i];
      return base === undefined || base + this.weight(i, parts, b.limit - base) <= b.limit;
    });
  }

  /**
   * What each budget leaves every `kind` part of a post made of `parts` (the other parts
   * as they are), for `shorten`; undefined unless every budget weighs text.
   */
  allowances(parts: Part[], kind: PartKind): Allowance[] | undefined {
    const others = parts.filter((p) => p.kind !== kind);
    const copies = parts.length - others.length;
    const allowances: Allowance[] = [];
    for (const [i, b] of this.layout.budgets.entries()) {
      const base = this.base[i];
      const weigh = this.weighs[i];
      if (base === undefined || !weigh) return undefined;
      allowances.push({ room: (b.limit - base - this.weight(i, others, Infinity)) / copies, weigh });
    }
    return allowances;
  }

  /**
   * How far into `text`, plain text of a post, a post can go and still fit: a prefix any
   * longer weighs more than some budget holds, whatever else the post says. Infinity when
   * the whole text may fit, or a budget does not weigh.
   */
  reachOf(text: string): number {
    let reach = Infinity;
    for (const [i, b] of this.layout.budgets.entries()) {
      const base = this.base[i];
      const weigh = this.weighs[i];
      if (base === undefined || !weigh) return Infinity;
      const room = b.limit - base;
      const sums = weigh(text, room);
      if (!(sums[sums.length - 1]! > room)) continue;
      let lo = 0;
      let hi = sums.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sums[mid]! > room) hi = mid;
        else lo = mid + 1;
      }
      reach = Math.min(reach, lo);
    }
    return reach;
  }

  /** The weight of `parts` in budget `i`, or Infinity once it is past `room`. */
  private weight(i: number, parts: Part[], room: number): number {
    const weigh = this.weighs[i]!;
    let total = 0;
    for (const part of parts) {
      if (part.kind === 'link') continue;
      total += weightOf(weigh(part.text, room - total), part.text);
      if (total > room) return Infinity;
    }
    return total;
  }
}
