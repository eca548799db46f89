/**
 * What an editor checks before letting a post out, as functions that return what is
 * wrong with it (nothing when it may go out as it is). Independent of the code that
 * builds posts: a rule here is written from what a reader sees, not from how Herald works.
 */
import type { Article } from '../../src/article.ts';
import type { RenderedPost } from '../../src/platform.ts';

const BOILERPLATE = [
  /appeared first on/i,
  /stories sent directly to/i,
  /\[\s*(?:…|\.\.\.)\s*\]/,
  /(?:^|[.!?…]\s*)(?:continue reading|read more|read the full story|click here|clicca qui|continúa leyendo|weiterlesen|lire la suite)\b/i,
  /\b(?:subscribe (?:for|to) (?:more|our)|check out our store|join the \w+ supporter|sign up for our newsletter)\b/i,
  /\b(?:sponsored (?:content|post|by)|advertisement|advertorial|anzeige|на правах рекламы)\b/i,
];

const CREDIT_START =
  /^(?:(?:photo|foto|фото|image|picture|credit|words|text|texto|текст|skrywer|bild|quelle|source)s?(?:\s+(?:credits?|by|and photos?|en foto's|courtesy))?\s*[:：]|©)/iu;
/** "By Jane Doe", "por Maribel Aponte": a preposition, then a name of capitalized words. */
const BYLINE_START = /^(?:[Bb]y|[Pp]or|[Vv]on|[Pp]ar)\s+\p{Lu}\p{Ll}+\s+\p{Lu}/u;
const isCreditOrByline = (text: string) => CREDIT_START.test(text) || BYLINE_START.test(text);
const GREETING_START = /^(?:dear|hello|hi|hey|liebe|chers?|queridos?|дорогие|уважаемые|құрметті)[\s,]/iu;
const RAW_ENTITY = /&(?:#\d+|#x[\da-f]+|[a-z][a-z\d]{1,31});/i;
const RAW_TAG = /<\/?[a-z][a-z\d-]*(?:\s[^<>]*)?\/?>/i;
const MOJIBAKE = /Ã[\u0080-\u00BF]|â€|Â[\u00A0-\u00BF]|Ð[\u0080-\u00BF]|\uFFFD/;
const JUNK_IMAGE = [
  /s\.w\.org\/images\/core\/emoji/i,
  /gravatar\.com\/(?:avatar|blavatar)\//i,
  /(?:pixel|stats)\.wp\.com/i,
  /feeds\.feedburner\.com\/~r\//i,
  /\/~r\/[^/]+\/~4\//i,
  /\/link\/\d+\/\d+\.gif/i,
  /\/(?:favicon|spacer|blank|pixel|1x1)\.(?:gif|png|ico)/i,
];
const VALID_HASHTAG = /^#[\p{L}\p{M}\p{N}_]*\p{L}[\p{L}\p{M}\p{N}_]*$/u;

/** A title that was cut ends with "…" after a whole word of the headline. */
function headlineProblem(shown: string, headline: string): string | undefined {
  if (shown === headline) return undefined;
  if (!shown) return 'the headline is missing';
  if (!shown.endsWith('…')) return `the headline "${shown}" is changed, not cut`;
  const prefix = shown.slice(0, -1);
  if (!headline.startsWith(prefix)) return `"${shown}" is not the start of the headline`;
  const next = headline.slice(prefix.length);
  return /^[\s\p{P}]/u.test(next) || /[\s\p{P}]$/u.test(prefix) ? undefined : `the headline is cut inside a word: "${shown}"`;
}

/** Problems of a lead as a reader sees it, whether or not it was shortened for the post. */
export function leadProblems(summary: string, title: string): string[] {
  if (!summary) return [];
  const problems: string[] = [];
  const comparable = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  if (comparable(summary) === comparable(title) || comparable(title).startsWith(comparable(summary))) problems.push('the lead is the headline again');
  if (comparable(summary).startsWith(`${comparable(title)} `) && comparable(summary).length - comparable(title).length < 40) {
    problems.push('the lead is the headline with the publisher appended');
  }
  if (isCreditOrByline(summary)) problems.push(`the lead is a byline or a credit: "${summary.slice(0, 60)}"`);
  if (GREETING_START.test(summary)) problems.push(`the lead is a greeting: "${summary.slice(0, 60)}"`);
  if (/[.!?]\s*…$/.test(summary)) problems.push('the lead has "…" after a full stop');
  if (/(?:…|\.\.\.)\s*…$/.test(summary)) problems.push('the lead ends with a doubled ellipsis');
  if (summary.split(/\s+/).length < 4 && !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(summary)) {
    problems.push(`the lead "${summary}" is not a sentence`);
  }
  return problems;
}

/** The link with its utm_* parameters taken out, every other byte kept. */
export function withoutUtm(link: string): string {
  const [beforeHash = '', hash] = link.split(/(?=#)/, 2);
  const [path = '', query] = beforeHash.split('?', 2) as [string, string | undefined];
  const kept = (query ?? '').split('&').filter((pair) => pair && !/^utm_/i.test(pair));
  return path + (kept.length ? `?${kept.join('&')}` : '') + (hash ?? '');
}

export function postProblems(post: RenderedPost, article: Article): string[] {
  const problems: string[] = [];
  if (withoutUtm(post.link) !== withoutUtm(article.link)) problems.push(`the post links ${post.link}, not the article ${article.link}`);
  const headline = headlineProblem(post.title, article.title);
  if (headline) problems.push(headline);
  if (post.summary && !article.summary.startsWith(post.summary.replace(/…$/, ''))) problems.push('the lead in the post is not the article lead');
  problems.push(...leadProblems(post.summary, article.title));
  for (const [name, value] of [['title', post.title], ['lead', post.summary], ['image description', post.imageAlt ?? '']] as const) {
    if (RAW_ENTITY.test(value)) problems.push(`the ${name} shows a raw entity: "${value}"`);
    if (RAW_TAG.test(value)) problems.push(`the ${name} shows markup: "${value}"`);
    if (MOJIBAKE.test(value)) problems.push(`the ${name} shows garbled characters: "${value}"`);
    if (BOILERPLATE.some((re) => re.test(value))) problems.push(`the ${name} holds boilerplate: "${value}"`);
  }
  if (post.imageUrl && JUNK_IMAGE.some((re) => re.test(post.imageUrl!))) problems.push(`the image ${post.imageUrl} is not the article's`);
  if (post.imageAlt && isCreditOrByline(post.imageAlt)) problems.push(`the image description is a credit: "${post.imageAlt}"`);
  for (const tag of post.hashtags) if (!VALID_HASHTAG.test(tag)) problems.push(`the hashtag ${tag} is not valid`);
  return problems;
}
