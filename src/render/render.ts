/** Renders an article for one channel: fills its template and fits the text to the platform's budgets. */
import type { Article } from '../article.ts';
import type { ChannelBase } from '../config/channel-base.ts';
import type { Layout, Part, PlatformRules, RenderedPost } from '../platform.ts';
import { hashtagsFrom } from './hashtags.ts';
import { shorten } from './shorten.ts';
import { fillTemplate, placeholdersIn, templateProblem, type PlaceholderKind } from './template.ts';
import { withUtm } from './utm.ts';

export type RenderOutcome = { ok: true; post: RenderedPost } | { ok: false; reason: string };

/** What can be dropped or shortened to make a post fit; the link never is. */
interface Content {
  title: string;
  summary: string;
  author: string;
  categories: string[];
  hashtags: string[];
}

const NOTHING_BUT_THE_LINK: Content = { title: '', summary: '', author: '', categories: [], hashtags: [] };

/** A lead cut shorter than this says nothing ("This is a…", "Mini-Series Premiere!"): it is dropped instead. */
const MIN_SHORTENED_LEAD_WORDS = 4;
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

function comparable(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Whether a shortened lead still tells the reader something the headline does not. */
function worthShowing(summary: string, title: string): boolean {
  const words = summary.replace(/…$/, '').split(/\s+/).filter(Boolean);
  if (words.length < MIN_SHORTENED_LEAD_WORDS && !UNSPACED_SCRIPT.test(summary)) return false;
  return !comparable(title).startsWith(comparable(summary));
}

function concatenate(parts: Part[]): string {
  return parts.map((p) => p.text).join('');
}

function fitsLayout(layout: Layout, text: string): boolean {
  return layout.budgets.every((b) => b.count(text) <= b.limit);
}

/**
 * Drops and shortens, in this order, until `fits`: hashtags one at a time from the end,
 * the categories, the summary (cut at a sentence, else a word, else dropped), the
 * author, the title (cut at a word, else a grapheme, else dropped). Only what the
 * template shows is touched. The caller has checked that the post fits with all of it gone.
 */
function fit(full: Content, shown: Set<PlaceholderKind>, fits: (content: Content) => boolean): Content {
  let c = full;
  const droppableHashtags = shown.has('hashtags') ? c.hashtags.length : 0;
  const droppableCategories = shown.has('categories') && c.categories.length > 0;
  if (droppableHashtags + Number(droppableCategories) > 1) {
    // Far over budget when even this does not fit: as dropping never adds to a count, no
    // step down to it fits either, so they need not be tried one by one.
    const bare = { ...c, hashtags: droppableHashtags ? [] : c.hashtags, categories: droppableCategories ? [] : c.categories };
    if (!fits(bare)) c = bare;
  }
  if (shown.has('hashtags')) {
    while (c.hashtags.length > 0) {
      c = { ...c, hashtags: c.hashtags.slice(0, -1) };
      if (fits(c)) return c;
    }
  }
  if (shown.has('categories') && c.categories.length > 0) {
    c = { ...c, categories: [] };
    if (fits(c)) return c;
  }
  if (shown.has('summary') && c.summary) {
    const base = c;
    const summary = shorten(c.summary, (s) => fits({ ...base, summary: s }), ['sentence', 'word']);
    if (summary !== undefined && worthShowing(summary, c.title)) return { ...c, summary };
    c = { ...c, summary: '' };
    if (fits(c)) return c;
  }
  if (shown.has('author') && c.author) {
    c = { ...c, author: '' };
    if (fits(c)) return c;
  }
  if (!shown.has('title')) return c;
  const base = c;
  const title = shorten(c.title, (t) => fits({ ...base, title: t }), ['word', 'grapheme']);
  return { ...c, title: title ?? '' };
}

/**
 * Directional overrides, embeddings and isolates (and the marks): in a post they can make
 * text read other than it is (a link shown reversed) or spill over what follows it.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/** The post for `article` on a channel of a platform with `rules`, or why there can be none. */
export function renderPost(article: Article, channel: ChannelBase, rules: PlatformRules): RenderOutcome {
  const template = channel.template ?? rules.defaultTemplate;
  const problem = templateProblem(template);
  if (problem) return { ok: false, reason: `template: ${problem}` };
  const shown = placeholdersIn(template);
  const layouts = rules.layouts.filter((l) => !l.needsImage || article.imageUrl);
  const last = layouts[layouts.length - 1];
  if (!last) return { ok: false, reason: 'every layout of this platform needs an image, and the article has none' };

  const link = withUtm(article.link, channel.utm);
  const format = rules.format ?? concatenate;
  const textOf = (c: Content): string =>
    format(
      fillTemplate(template, {
        title: c.title,
        summary: c.summary,
        link,
        hashtags: c.hashtags.join(' '),
        author: c.author,
        categories: c.categories.join(', '),
      }).map((p) => ({ ...p, text: p.text.replace(BIDI_CONTROLS, '') })),
      { link },
    );
  const post = (layout: Layout, c: Content, shortened: boolean): RenderOutcome => {
    const text = textOf(c);
    return {
      ok: true,
      post: {
        layout: layout.name,
        text,
        lengths: layout.budgets.map((b) => ({ unit: b.unit, length: b.count(text), limit: b.limit })),
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
  };

  const hashtagOptions = channel.hashtags;
  const full: Content = {
    title: article.title.trim(),
    summary: article.summary.trim(),
    author: article.author?.trim() ?? '',
    categories: article.categories.map((c) => c.trim()).filter(Boolean),
    hashtags: hashtagsFrom(article.categories, {
      ...hashtagOptions,
      max: Math.min(hashtagOptions.max, rules.maxHashtags ?? Infinity),
    }),
  };
  const fullText = textOf(full);
  const roomy = layouts.find((l) => fitsLayout(l, fullText));
  if (roomy) return post(roomy, full, false);

  const linkAlone = textOf(NOTHING_BUT_THE_LINK);
  const exceeded = last.budgets.find((b) => b.count(linkAlone) > b.limit);
  if (exceeded) {
    return {
      ok: false,
      reason:
        `cannot fit: layout "${last.name}" has no room for the title ` +
        `(link alone is ${exceeded.count(linkAlone)} ${exceeded.unit}, limit ${exceeded.limit})`,
    };
  }
  return post(last, fit(full, shown, (c) => fitsLayout(last, textOf(c))), true);
}
