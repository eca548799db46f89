/**
 * The posts tried for one article on one channel while fitting it, measured by a Gauge per
 * layout. A class rather than closures made on every render: a post is rendered at about
 * the cost of one count, where making a handful of functions per call shows.
 */
import type { Layout, Part, PlatformRules } from '../platform.ts';
import { Gauge } from './gauge.ts';
import { fillTemplate } from './template.ts';
import type { Allowance } from './weights.ts';

/** What can be dropped or shortened to make a post fit; the link never is. */
export interface Content {
  title: string;
  summary: string;
  author: string;
  categories: string[];
  hashtags: string[];
}

export const NOTHING_BUT_THE_LINK: Content = { title: '', summary: '', author: '', categories: [], hashtags: [] };

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

export function sameContent(a: Content, b: Content): boolean {
  return a.title === b.title && a.summary === b.summary && a.author === b.author && sameList(a.hashtags, b.hashtags) && sameList(a.categories, b.categories);
}

export class Attempts {
  /** The parts of the content last filled in: it is weighed, then formatted. */
  private filled: { content: Content; parts: Part[] } | undefined;
  private readonly gauges = new Map<Layout, Gauge>();
  /** The last content found to fit, and its text: the post is made of it. */
  private fitted: { content: Content; text: string } | undefined;
  private linkAlone: string | undefined;

  constructor(
    /** The template and the link as shown: without bidi controls. */
    private readonly template: string,
    private readonly shownLink: string,
    /** The link with its UTM tags, for `format`. */
    private readonly link: string,
    private readonly format: NonNullable<PlatformRules['format']>,
  ) {}

  partsOf(c: Content): Part[] {
    if (this.filled?.content !== c) {
      const parts = fillTemplate(this.template, {
        title: c.title,
        summary: c.summary,
        link: this.shownLink,
        hashtags: c.hashtags.join(' '),
        author: c.author,
        categories: c.categories.join(', '),
      });
      this.filled = { content: c, parts };
    }
    return this.filled.parts;
  }

  /** The text of a post of `c`: the one found to fit when it is that. */
  textOf(c: Content): string {
    if (this.fitted && sameContent(this.fitted.content, c)) return this.fitted.text;
    return this.format(this.partsOf(c), { link: this.link });
  }

  linkAloneText(): string {
    return (this.linkAlone ??= this.textOf(NOTHING_BUT_THE_LINK));
  }

  gaugeOf(layout: Layout): Gauge {
    let gauge = this.gauges.get(layout);
    if (!gauge) {
      // Every post has the same link parts (a line with the link never vanishes): those last filled in do.
      const linkParts = (this.filled?.parts ?? this.partsOf(NOTHING_BUT_THE_LINK)).filter((p) => p.kind === 'link');
      gauge = new Gauge(layout, linkParts, () => this.partsOf(NOTHING_BUT_THE_LINK), () => this.linkAloneText());
      this.gauges.set(layout, gauge);
    }
    return gauge;
  }

  /** Whether a post of `c` fits `layout`; `weighed`: it is known to fit by the weights, so it is only counted. */
  fitsIn(layout: Layout, c: Content, weighed = false): boolean {
    if (!weighed) {
      const parts = this.partsOf(c);
      if (!this.gaugeOf(layout).mayFit(parts)) return false;
    }
    const text = this.textOf(c);
    if (!this.gaugeOf(layout).fits(text)) return false;
    this.fitted = { content: c, text };
    return true;
  }

  /** Whether a post of `c` was found to fit by its count. */
  wasFitted(c: Content): boolean {
    return this.fitted !== undefined && sameContent(this.fitted.content, c);
  }

  allowances(layout: Layout, c: Content, field: 'summary' | 'title'): Allowance[] | undefined {
    return this.gaugeOf(layout).allowances(this.partsOf(c), field);
  }
}
