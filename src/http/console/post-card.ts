import { html, raw } from 'hono/html';
import sanitizeHtml from 'sanitize-html';
import type { RenderedPost } from '../../platform.ts';

/** How a platform shows a post's text: as plain text, Telegram's HTML, or text with markup escapes. */
type Body = 'plain' | 'telegram-html' | 'backslash-escaped';

/** How a platform shows the article: a link card under the text, an image above it, or nothing more. */
type Attachment = 'link-card' | 'image' | 'embed' | 'none';

interface Look {
  name: string;
  body: Body;
  attachment: Attachment;
}

/** What each platform shows of a post, as data; an unknown platform is shown as plain text. */
const LOOKS: Record<string, Look> = {
  x: { name: 'X', body: 'plain', attachment: 'link-card' },
  telegram: { name: 'Telegram', body: 'telegram-html', attachment: 'link-card' },
  mastodon: { name: 'Mastodon', body: 'plain', attachment: 'link-card' },
  bluesky: { name: 'Bluesky', body: 'plain', attachment: 'link-card' },
  facebook: { name: 'Facebook', body: 'plain', attachment: 'link-card' },
  instagram: { name: 'Instagram', body: 'plain', attachment: 'image' },
  threads: { name: 'Threads', body: 'plain', attachment: 'link-card' },
  linkedin: { name: 'LinkedIn', body: 'backslash-escaped', attachment: 'link-card' },
  discord: { name: 'Discord', body: 'backslash-escaped', attachment: 'embed' },
  tiktok: { name: 'TikTok', body: 'plain', attachment: 'image' },
  webhook: { name: 'Webhook', body: 'plain', attachment: 'none' },
  console: { name: 'Console', body: 'plain', attachment: 'none' },
};

const URL_IN_TEXT = /https?:\/\/[^\s<>"]+/gu;
const HASHTAG = /(^|\s)(#[\p{L}\p{N}_]+)/gu;

/** Plain text with its links and hashtags marked up, everything else escaped. */
function plainText(text: string) {
  const pieces: ReturnType<typeof html>[] = [];
  let at = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    pieces.push(withHashtags(text.slice(at, m.index)));
    pieces.push(html`<a href="${m[0]}" rel="noopener noreferrer nofollow">${m[0]}</a>`);
    at = m.index + m[0].length;
  }
  pieces.push(withHashtags(text.slice(at)));
  return html`${pieces}`;
}

function withHashtags(text: string) {
  const pieces: ReturnType<typeof html>[] = [];
  let at = 0;
  for (const m of text.matchAll(HASHTAG)) {
    const start = m.index + m[1]!.length;
    pieces.push(html`${text.slice(at, start)}<span class="hashtag">${m[2]}</span>`);
    at = start + m[2]!.length;
  }
  pieces.push(html`${text.slice(at)}`);
  return html`${pieces}`;
}

/** Telegram's HTML reduced to the tags Telegram itself renders; links only to http(s). */
function telegramHtml(text: string) {
  return raw(
    sanitizeHtml(text, {
      allowedTags: ['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'blockquote', 'tg-spoiler'],
      allowedAttributes: { a: ['href'] },
      allowedSchemes: ['http', 'https'],
      transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }) },
    }),
  );
}

/** What a reader sees of text in a markup whose special characters are backslash-escaped (LinkedIn, Discord). */
function unescaped(text: string): string {
  return text.replace(/\\(.)/gu, '$1').replace(/<(https?:\/\/[^>\s]+)>/gu, '$1');
}

function body(look: Look, text: string) {
  if (look.body === 'telegram-html') return telegramHtml(text);
  return plainText(look.body === 'backslash-escaped' ? unescaped(text) : text);
}

function hostOf(link: string): string {
  try {
    return new URL(link).host;
  } catch {
    return link;
  }
}

function attachment(look: Look, post: RenderedPost) {
  const image = post.imageUrl ? html`<img src="${post.imageUrl}" alt="" loading="lazy" referrerpolicy="no-referrer">` : '';
  if (look.attachment === 'image') return post.imageUrl ? html`<div class="post-image">${image}</div>` : '';
  if (look.attachment === 'none') return '';
  const cls = look.attachment === 'embed' ? 'embed' : 'link-card';
  return html`<a class="${cls}" href="${post.link}" rel="noopener noreferrer nofollow">
    ${image}<span class="card-host">${hostOf(post.link)}</span><span class="card-title">${post.title}</span>${post.summary ? html`<span class="card-summary">${post.summary}</span>` : ''}
  </a>`;
}

/** Layouts that post the image itself with the text as its caption (Telegram's photo, TikTok's photo post). */
const PHOTO_LAYOUTS = new Set(['photo', 'image']);

/** The post as it will look on its platform: the text the platform receives, rendered its way, and what it attaches. */
export function postCard(platform: string, channelId: string, post: RenderedPost) {
  const known = LOOKS[platform] ?? { name: platform, body: 'plain', attachment: 'none' };
  const look: Look = PHOTO_LAYOUTS.has(post.layout) && post.imageUrl ? { ...known, attachment: 'image' } : known;
  const lengths = post.lengths.map((l) => `${l.unit} ${l.length}/${l.limit}`).join(', ');
  const image = look.attachment === 'image' ? attachment(look, post) : '';
  return html`<div class="post post-${platform}">
  <div class="post-head"><span class="platform">${look.name}</span> <span class="channel">${channelId}</span></div>
  ${image}<div class="post-text">${body(look, post.text)}</div>
  ${look.attachment === 'image' ? '' : attachment(look, post)}
  <div class="post-meta">${post.layout} · ${lengths}${post.shortened ? ' · shortened to fit' : ''}</div>
</div>`;
}
