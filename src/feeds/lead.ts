/**
 * The lead of an article: the first sentence-bearing paragraph that an editor would
 * publish as the summary. News HTML opens and closes with things that are not the story
 * (the headline again, greetings, bylines and photo credits, sponsor lines, datelines,
 * captions, "The post … appeared first on …", newsletter footers, "Read more" links),
 * none of which may end up in a post. When nothing qualifies, there is no lead.
 */
import { visitHtmlBlocks, type TextBlock } from './html-text.ts';
import { repairMojibake } from './mojibake.ts';
import { sentenceEnds } from '../text/sentences.ts';

/** Elements that hold captions, credits or embeds rather than the story's prose. */
const NON_PROSE_ELEMENTS = new Set(['figure', 'figcaption', 'picture', 'video', 'audio', 'button', 'form', 'caption', 'header', 'h1']);
const NON_PROSE_CLASS =
  /(?:^|[\s_-])(?:caption|credits?|byline|author|twitter-tweet|instagram-media|tiktok-embed|sharedaddy|jp-relatedposts|embed|kg-cta-card|kg-button-card|box_highlight_footer|service-links)(?:$|[\s_-])|wp-caption/i;

/** Who made the story or its pictures, in the usual forms and languages: "Words and photos:", "Фото:", "Skrywer en foto's:". */
const CREDIT_WORD =
  "(?:words?|text|texto|texte|testo|tekst|текст|story|reporting|report|interview|writer|author|autor|auteur|autore|автор|skrywer|photos?|fotos?|foto['’]s|фото|photography|fotografie|fotografía|pictures?|images?|imágenes|bilder?|bild|video|vídeo|видео|illustrations?|illustration|graphics?|infographics?|grafik|credits?|source|sources|quelle|fuente|fonte|источник|courtesy)";
const CREDIT_LABEL = new RegExp(
  `^[([]?\\s*(?:(?:cover|main|top|featured|lead|header)\\s+)?${CREDIT_WORD}(?:\\s*(?:,|&|and|und|et|y|e|и|en|og|och)\\s*${CREDIT_WORD})*(?:\\s+(?:credits?|courtesy(?:\\s+of)?|by|de|von|par|por|di))?\\s*[:：|–—]`,
  'iu',
);
/** "By Jane Doe", "Por Dra Maribel Aponte García", "Von Max Muster": a short line naming people (tested with its first letter lower-cased). */
const BYLINE = /^(?:by|written by|reported by|from|von|par|por|di|door|av|af|przez|от|автор:?)\s+\p{Lu}[^.!?]*$/u;
const BYLINE_MAX_WORDS = 16;

/** Lines that are never the story, tested on each line of a paragraph. */
const BOILERPLATE_LINES: RegExp[] = [
  CREDIT_LABEL,
  /^[([]?\s*(?:photos?|images?|pictures?|fotos?|фото)\s+(?:by|courtesy(?:\s+of)?|credits?|von|de|di)\s+\S/iu,
  /^(?:©|\(c\)\s|copyright\b)/i,
  /^the post\s.*\sappeared first on\s/i,
  // "Get The Astana Times stories sent directly to you! Sign up via the website or subscribe to our …"
  /\bstories sent directly to (?:you|your inbox)\b/i,
  /^(?:sign up|subscribe)\b.*\b(?:newsletter|subscribe to our|follow us)\b/i,
  /^(?:read more|continue reading|read the full (?:story|article)|click here to read|view (?:the )?entire post|clicca qui|continúa leyendo|weiterlesen|lire la suite|читать далее)\b/iu,
  /^(?:read also|see also|also read|related|lesen sie auch|lire aussi|leggi anche|lea también|читайте также)\s*[:：]/iu,
  // Sponsor and advertising disclosures.
  /^[([]?\s*(?:sponsored(?:\s+(?:content|post|by))?|advertisement|advertorial|anzeige|werbung|publicidad|publicité|pubblicità|реклама|на правах рекламы|paid (?:post|content|partnership)|partner content|promoted)\b/iu,
  /\b(?:this (?:post|article|story|content|episode|video) (?:is|was) (?:sponsored|paid for|brought to you|presented)|sponsored by|in partnership with|brought to you by|contains affiliate links|we may earn (?:a )?commission)\b/i,
  /^this (?:story|article|post) (?:first |originally )?(?:appeared|was (?:first |originally )?published) (?:on|in|at)\b/i,
  // A WordPress [caption] shortcode that leaked into the feed.
  /^\[caption\b/i,
];

/** "Dear readers,", "Liebe Leserinnen und Leser,", "Дорогие друзья!": a salutation, not a lead. */
const GREETING =
  /^(?:dear|hello|hi|hey|greetings|good (?:morning|afternoon|evening)|welcome|liebe[rs]?|sehr geehrte[rn]?|hallo|chers?|chères?|bonjour|bonsoir|querid[oa]s?|estimad[oa]s?|hola|car[ie]|gentili|ciao|дорог(?:ие|ой|ая)|уважаем(?:ые|ый|ая)|здравствуйте|привет|құрметті|сәлем)(?=[\s,!:.]|$)/iu;
const GREETING_MAX_WORDS = 8;
/** The salutation opening a longer paragraph: "Hello all,", "Hi everyone!", "Hello Homelab-community!". */
const GREETING_PREFIX = new RegExp(`${GREETING.source.replace(/\(\?=.*\)$/, '')}(?:\\s+[^\\s,!:.]+){0,3}\\s*[,!:.]+\\s+`, 'iu');
/** "by Sonal Shah on behalf of the GTAC Committee Our goal…": a byline run into the paragraph, where the name ends is unknown. */
const BYLINE_LED = /^(?:by|por|von|par)\s+\p{Lu}[\p{Ll}'’-]+(?:\s+\p{Lu}[\p{Ll}.'’-]*)+/u;

/** "ASTANA –", "WASHINGTON (Reuters) -", "May 20, 2024", "07.01.2017": a dateline or a date with nothing after it. */
const DATELINE_ALONE = /^\p{Lu}[\p{L}\p{M} .,'’()/]{0,48}\s*[–—-]+$/u;
const DATE_ALONE =
  /^(?:(?:\p{L}+\.?,?\s+)?(?:\d{1,2}\.?\s+\p{L}+\.?,?\s+\d{4}|\p{L}+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}))(?:[,\s]+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?)?$/iu;

/** "(Twitch, Amazon)" ending a lead: the publisher's keywords, not the story. */
const KEYWORD_TAIL = /\s*\((?:[\p{Lu}\d][\p{L}\p{N}.&'’ -]{0,30})(?:,\s*[\p{Lu}\d][\p{L}\p{N}.&'’ -]{0,30})+\)$/u;

/** Scripts written without spaces between words, where counting words says nothing. */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const MIN_LEAD_WORDS = 4;
const MIN_LEAD_LETTERS = 15;
/** A Chinese or Japanese character carries about a word: a full sentence can have ten. */
const MIN_UNSPACED_LEAD_LETTERS = 8;

/** A YouTube description's promotion: links, calls to subscribe or buy, chapter timestamps, hashtags. */
const PROMOTION =
  /(?:https?:\/\/|www\.|\b[\w-]+\.(?:com|net|org|ly|gg|io|me|tv|co)\/|\b(?:want (?:some|more)|tee-?shirts?|hoodies?|subscribe|follow (?:us|me)|join (?:us|the|our)|check out|our store|merch|patreon|sponsor|support (?:us|the channel)|download|listen on|watch (?:more|next|the full)|like and|turn on notifications)\b|(?:^|\s)\d{1,2}:\d{2}(?::\d{2})?\s|(?:^|\s)#[\p{L}\d_]+)/iu;

export interface LeadSources {
  /** The headline as plain text, so that it is never taken for the lead. */
  title: string;
  /** HTML in order of preference: `content:encoded`, `description` / Atom `content`, Atom `summary`. */
  html: (string | undefined)[];
  /** Media RSS `media:description` of the item's media group (YouTube's video description), plain text. */
  mediaDescription?: string;
}

/** The lead: from the first source that has a qualifying paragraph; '' when none has. */
export function leadOf(sources: LeadSources): string {
  for (const html of sources.html) {
    const lead = html === undefined ? '' : leadFromHtml(html, sources.title);
    if (lead) return lead;
  }
  return sources.mediaDescription === undefined ? '' : leadFromPlainText(sources.mediaDescription, sources.title);
}

/** The first qualifying paragraph of the HTML, else the first qualifying text outside one. */
export function leadFromHtml(html: string, title = ''): string {
  let lead = '';
  let firstText = '';
  visitHtmlBlocks(html, isNonProse, (block) => {
    const text = leadCandidate(block, title);
    if (text === '') return true;
    if (block.inParagraph) {
      lead = text;
      return false;
    }
    firstText ||= text;
    return true;
  });
  return lead || firstText;
}

/**
 * The lead of a plain-text description (YouTube's): the opening sentences of its first
 * paragraph that has any before the promotion starts ("Check out our store: https://…").
 */
export function leadFromPlainText(text: string, title = ''): string {
  for (const paragraph of text.split(/\n\s*\n/)) {
    const lines = paragraph.split('\n').map((l) => l.trim()).filter(Boolean);
    const prose = beforePromotion(lines.join(' '));
    const lead = prose && leadCandidate({ lines: [prose], inParagraph: true, linkOnly: false }, title);
    if (lead) return lead;
  }
  return '';
}

function beforePromotion(text: string): string {
  const ends = [0, ...sentenceEnds(text)];
  let kept = 0;
  for (let i = 1; i < ends.length; i++) {
    if (PROMOTION.test(text.slice(ends[i - 1], ends[i]))) break;
    kept = ends[i]!;
  }
  return text.slice(0, kept).trim();
}

/** Whether an element holds no story prose (exported for the tests that replay the full parse). */
export function isNonProse(name: string, attributes: Record<string, string>): boolean {
  return NON_PROSE_ELEMENTS.has(name) || NON_PROSE_CLASS.test(`${attributes.class ?? ''} ${attributes.id ?? ''}`);
}

/** A block's text if it can be the lead of an article headlined `title`, else ''. */
export function leadCandidate(block: TextBlock, title: string): string {
  if (block.linkOnly) return '';
  const text = withoutSalutation(storyText(block));
  if (!text || !isSentenceBearing(text) || repeatsHeadline(text, title) || isGreeting(text) || isKeywordList(text)) return '';
  if (BYLINE_LED.test(lowerFirst(text))) return '';
  return text;
}

function lowerFirst(text: string): string {
  return text.replace(/^\p{L}/u, (first) => first.toLowerCase());
}

/** "Hi i’m looking…": a greeting word run into the sentence. */
const BARE_GREETING = /^(?:hi|hello|hey)\s+(?=\p{Ll})/iu;

/** A paragraph that opens with a salutation ("Hello, dear readers!") keeps what follows it, capitalized. */
function withoutSalutation(text: string): string {
  let rest = text;
  for (let salutation; (salutation = GREETING_PREFIX.exec(rest) ?? BARE_GREETING.exec(rest)); ) rest = rest.slice(salutation[0].length);
  return rest === text ? text : rest.replace(/^\p{Ll}/u, (first) => first.toUpperCase());
}

/** A block's text without its boilerplate lines, continuation marks and keyword tail; '' when nothing is left. */
export function storyText(block: TextBlock): string {
  const story = block.lines
    .map(repairMojibake)
    .filter((line) => !BOILERPLATE_LINES.some((re) => re.test(line)) && !isByline(line))
    .join(' ');
  const text = wholeSentences(story).replace(KEYWORD_TAIL, '');
  return DATELINE_ALONE.test(text) || DATE_ALONE.test(text) ? '' : text;
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function isByline(line: string): boolean {
  return wordCount(line) <= BYLINE_MAX_WORDS && BYLINE.test(lowerFirst(line));
}

function isSentenceBearing(text: string): boolean {
  if (UNSPACED_SCRIPT.test(text)) return hasAtLeast(text, /\p{L}/gu, MIN_UNSPACED_LEAD_LETTERS);
  return hasAtLeast(text, /\p{L}/gu, MIN_LEAD_LETTERS) && hasAtLeast(text, /\S+/g, MIN_LEAD_WORDS);
}

/** Whether `pattern` (global) matches `text` at least `n` times; stops counting there, paragraphs are long. */
function hasAtLeast(text: string, pattern: RegExp, n: number): boolean {
  let found = 0;
  while (found < n && pattern.exec(text)) found++;
  return found >= n;
}

function isGreeting(text: string): boolean {
  return GREETING.test(text) && (wordCount(text) <= GREETING_MAX_WORDS || /[,:]$/.test(text));
}

/** "trump, trump inaugural, donald trump, GOP": a list of tags, not prose. */
function isKeywordList(text: string): boolean {
  const items = text.split(/\s*,\s*/);
  return items.length >= 3 && !/[.!?]/.test(text) && items.every((item) => wordCount(item) <= 4);
}

/** Letters and digits only, lower-cased: what two spellings of a headline have in common. */
function comparable(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * The headline again: the same words, the headline with the publisher appended
 * ("Title - Publisher", as news aggregators write it), or a cut-off headline.
 */
/** "Title - The Astana Times  The Astana Times": what an aggregator appends is a publisher's name, twice at most. */
const PUBLISHER_MAX_WORDS = 8;

function repeatsHeadline(text: string, title: string): boolean {
  const lead = comparable(text);
  const headline = comparable(title);
  if (!headline) return false;
  if (lead === headline || headline.startsWith(lead)) return true;
  return lead.startsWith(`${headline} `) && wordCount(lead.slice(headline.length)) <= PUBLISHER_MAX_WORDS;
}

/**
 * An excerpt ends with " […]", " …", "Continue reading →" or "The post … appeared first
 * on …". Those marks go; a cut excerpt keeps its complete sentences, or, when it has
 * none, ends with "…" to show that it was cut.
 */
function wholeSentences(text: string): string {
  const body = text
    .replace(/\s*\bThe post\s.*\sappeared first on\s.*$/, '')
    .replace(/(?:^|(?<=[.!?…\]]))\s*(?:Continue reading|Read more|Continúa leyendo|Weiterlesen|Lire la suite)\b.*$/u, '')
    .trim();
  const cut = /(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)$/.exec(body);
  if (!cut) return body;
  const fragment = body.slice(0, cut.index).trimEnd();
  const ends = sentenceEnds(fragment);
  const lastEnd = ends[ends.length - 1];
  if (lastEnd !== undefined && isSentenceBearing(fragment.slice(0, lastEnd))) return fragment.slice(0, lastEnd);
  const words = fragment.replace(/[\s,;:–—-]+$/u, '');
  return words ? `${words}…` : '';
}
