/**
 * The lead of an article: its first real paragraph as plain text. News HTML opens and
 * closes with things that are not the story (photo credits, captions, images, "The post
 * … appeared first on …", newsletter footers, "Read more" links), none of which may end
 * up in a post.
 */
import { visitHtmlBlocks, type TextBlock } from './html-text.ts';

/** Elements that hold captions, credits or embeds rather than the story's prose. */
const NON_PROSE_ELEMENTS = new Set(['figure', 'figcaption', 'picture', 'video', 'audio', 'button', 'form', 'caption']);
const NON_PROSE_CLASS =
  /(?:^|[\s_-])(?:caption|credits?|twitter-tweet|instagram-media|tiktok-embed|sharedaddy|jp-relatedposts|embed)(?:$|[\s_-])|wp-caption/i;

/** Lines that are never the story, tested on each line of a paragraph. */
const BOILERPLATE_LINES: RegExp[] = [
  // Photo credits: "Photo credit: …", "Photo: …", "Photos courtesy of …", "Credit: …".
  /^[([]?\s*(?:(?:cover|main|top|featured|lead|header)\s+)?(?:photos?|images?|pictures?|illustrations?|videos?|graphics?|infographics?)(?:\s+(?:credits?|courtesy(?:\s+of)?|source|by))?\s*[:：|–—]/i,
  /^[([]?\s*(?:photos?|images?|pictures?)\s+(?:by|courtesy(?:\s+of)?|credits?)\s+\S/i,
  /^[([]?\s*credits?\s*[:：]/i,
  /^the post\s.*\sappeared first on\s/i,
  // "Get The Astana Times stories sent directly to you! Sign up via the website or subscribe to our …"
  /\bstories sent directly to (?:you|your inbox)\b/i,
  /^(?:sign up|subscribe)\b.*\b(?:newsletter|subscribe to our|follow us)\b/i,
  /^(?:read more|continue reading|read the full (?:story|article)|click here to read|view (?:the )?entire post)\b/i,
  /^(?:read also|see also|also read|related)\s*[:：]/i,
  // A WordPress [caption] shortcode that leaked into the feed.
  /^\[caption\b/i,
];

/** The first paragraph with story text in it, else the first story text outside one. */
export function leadFromHtml(html: string): string {
  let lead = '';
  let firstText = '';
  visitHtmlBlocks(html, isNonProse, (block) => {
    const text = storyText(block);
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

/** Whether an element holds no story prose (exported for the tests that replay the full parse). */
export function isNonProse(name: string, attributes: Record<string, string>): boolean {
  return NON_PROSE_ELEMENTS.has(name) || NON_PROSE_CLASS.test(`${attributes.class ?? ''} ${attributes.id ?? ''}`);
}

/** A block's text without its boilerplate lines and continuation marks; '' when nothing is left. */
export function storyText(block: TextBlock): string {
  const story = block.lines.filter((line) => !BOILERPLATE_LINES.some((re) => re.test(line))).join(' ');
  return withoutContinuation(story);
}

/** Drops what an excerpt ends with: " [&#8230;]", " …", "Continue reading →", "The post … appeared first on …". */
function withoutContinuation(text: string): string {
  return text
    .replace(/\s*\bThe post\s.*\sappeared first on\s.*$/, '')
    .replace(/(?:^|(?<=[.!?…\]]))\s*(?:Continue reading|Read more)\b.*$/, '')
    .replace(/\s*\[\s*(?:…|\.\.\.)\s*\]$/, '')
    .replace(/\s+(?:…|\.\.\.)$/, '')
    .trim();
}
