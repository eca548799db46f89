/** Renders an article for one channel: fills its template and fits the text to the platform's budgets. */
import type { Article } from '../article.ts';
import { charClass } from '../text/char-class.ts';
import type { ChannelBase } from '../config/channel-base.ts';
import type { Layout, Part, PlatformRules, RenderedPost } from '../platform.ts';
import { Attempts, type Content } from './attempts.ts';
import { hashtagsFrom } from './hashtags.ts';
import { scopeOf, shorten } from './shorten.ts';
import { placeholdersIn, templateProblem, type PlaceholderKind } from './template.ts';
import { withUtm } from './utm.ts';

export type RenderOutcome = { ok: true; post: RenderedPost } | { ok: false; reason: string };

/** A summary longer than this is cut to what fitting reads of it before anything else is done with it. */
const LONG_SUMMARY = 2048;

/** A lead cut shorter than this says nothing ("This is a…", "Mini-Series Premiere!"): it is dropped instead. */
const MIN_SHORTENED_LEAD_WORDS = 4;
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

const isLetterOrNumber = charClass(/^[\p{L}\p{N}]$/u);

/** The letters and numbers of a text, lowercased, with one space for each run of anything else between them. */
function* comparableChars(text: string): Generator<string> {
  let spaced = false;
  let started = false;
  for (const char of text.toLowerCase()) {
    if (!isLetterOrNumber(char.codePointAt(0)!)) {
      spaced = started;
      continue;
    }
    if (spaced) yield ' ';
    yield char;
    started = true;
    spaced = false;
  }
}

/**
 * The first of `comparableChars(text)`, without lowercasing the whole text: null when there
 * is none, undefined when a capital sigma comes first (it lowercases by what surrounds it).
 */
function firstComparableChar(text: string): string | null | undefined {
  for (const char of text) {
    if (char === 'Σ') return undefined;
    for (const lower of char.toLowerCase()) if (isLetterOrNumber(lower.codePointAt(0)!)) return lower;
  }
  return null;
}

/** Whether `title` begins with `summary`, compared by `comparableChars`: read only as far as they agree. */
function restatesTitle(summary: string, title: string): boolean {
  const first = firstComparableChar(summary);
  if (first) {
    const titleFirst = firstComparableChar(title);
    if (titleFirst !== undefined && titleFirst !== first) return false;
  }
  const titleChars = comparableChars(title);
  for (const char of comparableChars(summary)) if (titleChars.next().value !== char) return false;
  return true;
}

/** Whether a shortened lead still tells the reader something the headline does not. */
function worthShowing(summary: string, title: string): boolean {
  const lead = summary.endsWith('…') ? summary.slice(0, -1) : summary;
  if (!hasWords(lead, MIN_SHORTENED_LEAD_WORDS) && !UNSPACED_SCRIPT.test(summary)) return false;
  return !restatesTitle(summary, title);
}

const isSpace = charClass(/^\s$/u);

/** Whether `text` has at least `count` runs of what is not whitespace. */
function hasWords(text: string, count: number): boolean {
  let found = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord && ++found >= count) return true;
    inWord = !space;
  }
  return false;
}

function concatenate(parts: Part[]): string {
  return parts.map((p) => p.text).join('');
}

/**
 * Drops and shortens, in this order, until a post fits `layout`: hashtags one at a time
 * from the end, the categories, the summary (cut at a sentence, else a word, else
 * dropped), the author, the title (cut at a word, else a grapheme, else dropped). Only
 * what the template shows is touched. When the post with all of it gone does not fit,
 * nothing does: what is left is all of it gone.
 */
function fit(full: Content, shown: Set<PlaceholderKind>, attempts: Attempts, layout: Layout): Content {
  let c = full;
  const droppableHashtags = shown.has('hashtags') ? c.hashtags.length : 0;
  const droppableCategories = shown.has('categories') && c.categories.length > 0;
  if (droppableHashtags + Number(droppableCategories) > 1) {
    // Far over budget when even this does not fit: as dropping never adds to a count, no
    // step down to it fits either, so they need not be tried one by one.
    const bare = { ...c, hashtags: droppableHashtags ? [] : c.hashtags, categories: droppableCategories ? [] : c.categories };
    if (!attempts.fitsIn(layout, bare)) c = bare;
  }
  if (shown.has('hashtags')) {
    while (c.hashtags.length > 0) {
      c = { ...c, hashtags: c.hashtags.slice(0, -1) };
      if (attempts.fitsIn(layout, c)) return c;
    }
  }
  if (shown.has('categories') && c.categories.length > 0) {
    c = { ...c, categories: [] };
    if (attempts.fitsIn(layout, c)) return c;
  }
  if (shown.has('summary') && c.summary) {
    const base = c;
    // Shortening by allowances only tries cuts that fit by the weights.
    const allowances = attempts.allowances(layout, base, 'summary');
    const summary = shorten(c.summary, (s) => attempts.fitsIn(layout, { ...base, summary: s }, allowances !== undefined), ['sentence', 'word'], allowances);
    if (summary !== undefined && worthShowing(summary, c.title)) return { ...c, summary };
    c = { ...c, summary: '' };
    if (attempts.fitsIn(layout, c)) return c;
  }
  if (shown.has('author') && c.author) {
    c = { ...c, author: '' };
    if (attempts.fitsIn(layout, c)) return c;
  }
  if (!shown.has('title')) return c;
  const base = c;
  const allowances = attempts.allowances(layout, base, 'title');
  const title = shorten(c.title, (t) => attempts.fitsIn(layout, { ...base, title: t }, allowances !== undefined), ['word', 'grapheme'], allowances);
  return { ...c, title: title ?? '' };
}

/**
 * Directional overrides, embeddings and isolates (and the marks): in a post they can make
 * text read other than it is (a link shown reversed) or spill over what follows it.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const HAS_BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** Looking for one first is quicker than replacing none. */
function withoutBidiControls(text: string): string {
  return HAS_BIDI_CONTROL.test(text) ? text.replace(BIDI_CONTROLS, '') : text;
}

/**
 * Text without bidi controls, trimmed: taken out before fitting, so that what is weighed
 * and cut is what the post shows (hashtags never hold them: they are made of letters,
 * marks and numbers).
 */
function plain(text: string): string {
  return withoutBidiControls(text).trim();
}

export interface RenderOptions {
  /**
   * Fit to this layout alone, image or not: an edit keeps the layout of the post it
   * corrects (a photo post stays a photo post).
   */
  layout?: string;
}

function layoutsFor(article: Article, rules: PlatformRules, opts: RenderOptions): Layout[] | { reason: string } {
  if (opts.layout !== undefined) {
    const layout = rules.layouts.find((l) => l.name === opts.layout);
    return layout ? [layout] : { reason: `this platform has no layout "${opts.layout}" any more` };
  }
  const layouts = rules.layouts.filter((l) => !l.needsImage || article.imageUrl);
  return layouts.length > 0 ? layouts : { reason: 'every layout of this platform needs an image, and the article has none' };
}

/** The post of content `c` in `layout`. */
function postOf(article: Article, attempts: Attempts, layout: Layout, c: Content, shown: Set<PlaceholderKind>, link: string, shortened: boolean): RenderOutcome {
  const text = attempts.textOf(c);
  const lengths = attempts.gaugeOf(layout).counts(text);
  return {
    ok: true,
    post: {
      layout: layout.name,
      text,
      lengths: layout.budgets.map((b, i) => ({ unit: b.unit, length: lengths[i]!, limit: b.limit })),
      shortened,
      link,
      title: c.title,
      summary: c.summary,
      hashtags: shown.has('hashtags') ? c.hashtags : [],
      ...(article.imageUrl !== undefined && { imageUrl: article.imageUrl }),
      ...(article.imageUrl !== undefined && article.imageAlt !== undefined && { imageAlt: article.imageAlt }),
      ...(article.publishedAt !== undefined && { publishedAt: article.publishedAt }),
      source: {
        id: article.id,
        feedId: article.feedId,
        categories: article.categories,
        ...(article.author !== undefined && { author: article.author }),
      },
    },
  };
}

/**
 * The summary as plain text; one far longer than any post cut first to what shortening it
 * would read (past where its weight alone is over a budget of every layout).
 */
function plainSummary(summary: string, layouts: Layout[], attempts: Attempts): string {
  if (summary.length <= LONG_SUMMARY) return plain(summary);
  const reach = Math.max(...layouts.map((l) => attempts.gaugeOf(l).reachOf(summary)));
  const enough = reach === Infinity ? summary : scopeOf(summary, reach);
  const shown = plain(enough);
  return enough === summary || shown.length === enough.trim().length ? shown : plain(summary);
}

/** The post for `article` on a channel of a platform with `rules`, or why there can be none. */
export function renderPost(article: Article, channel: ChannelBase, rules: PlatformRules, opts: RenderOptions = {}): RenderOutcome {
  const template = channel.template ?? rules.defaultTemplate;
  const problem = templateProblem(template);
  if (problem) return { ok: false, reason: `template: ${problem}` };
  const shown = placeholdersIn(template);
  const layouts = layoutsFor(article, rules, opts);
  if (!Array.isArray(layouts)) return { ok: false, reason: layouts.reason };
  const last = layouts[layouts.length - 1]!;

  const link = withUtm(article.link, channel.utm);
  const attempts = new Attempts(withoutBidiControls(template), withoutBidiControls(link), link, rules.format ?? concatenate);
  const hashtagOptions = channel.hashtags;
  const full: Content = {
    title: plain(article.title),
    summary: plainSummary(article.summary.trim(), layouts, attempts),
    author: plain(article.author ?? ''),
    categories: article.categories.map(plain).filter(Boolean),
    hashtags: hashtagsFrom(article.categories, {
      ...hashtagOptions,
      max: Math.min(hashtagOptions.max, rules.maxHashtags ?? Infinity),
    }),
  };
  const roomy = layouts.find((l) => attempts.fitsIn(l, full));
  if (roomy) return postOf(article, attempts, roomy, full, shown, link, false);

  const shortened = fit(full, shown, attempts, last);
  if (!attempts.wasFitted(shortened)) {
    // Nothing was found to fit: what is left is the link alone, which may not fit either.
    const linkAloneCounts = attempts.gaugeOf(last).counts(attempts.linkAloneText());
    const exceeded = last.budgets.findIndex((b, i) => linkAloneCounts[i]! > b.limit);
    if (exceeded >= 0) {
      const budget = last.budgets[exceeded]!;
      return {
        ok: false,
        reason:
          `cannot fit: layout "${last.name}" has no room for the title ` +
          `(link alone is ${linkAloneCounts[exceeded]} ${budget.unit}, limit ${budget.limit})`,
      };
    }
  }
  return postOf(article, attempts, last, shortened, shown, link, true);
}
