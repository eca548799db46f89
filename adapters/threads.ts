/**
 * Threads: a text post with the article as its link attachment, published in two steps,
 * `POST /{user-id}/threads` (media_type TEXT) then `POST /{user-id}/threads_publish`.
 * https://developers.facebook.com/docs/threads/posts
 */
import { z } from 'zod';
import { defineAdapter, type PlatformRules } from '../src/platform.ts';
import { segmentedParts, utf8Bytes } from '../src/render/count.ts';
import { makeRedactor } from '../src/redact.ts';
import { segmenter } from '../src/text/segmenters.ts';
import { GraphApi, publishViaContainer } from './graph-api.ts';
import { oauthKeys, tokenOrApp } from './meta-oauth.ts';
import { configuredToken, storedTokens } from './meta-tokens.ts';
import { refreshThreadsToken, THREADS_AUTHORIZE_URL, threadsOAuthFlow } from './threads-oauth.ts';

export const THREADS_API_ROOT = 'https://graph.threads.net/v1.0';
export const THREADS_MAX_LENGTH = 500;
export const THREADS_MAX_LINKS = 5;
/** "Threads profiles are limited to 250 API-published posts within a 24-hour moving period." */
export const THREADS_POSTS_PER_DAY = 250;

/** A grapheme is an emoji when it holds a pictograph, a flag letter, a keycap or an emoji variation selector. */
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3|\uFE0F/u;

/**
 * Length as Threads counts it: "Text posts are limited to 500 characters. Emojis are counted
 * as the number of UTF-8 bytes." An emoji grapheme (a ZWJ family, a flag, a keycap) counts
 * its UTF-8 bytes; any other grapheme its UTF-16 code units, which is never less than its
 * code points or its one grapheme, so the text fits whichever of those Threads means by
 * "characters" (only rare astral letters such as 𝐀 count 2 where Threads may count 1).
 */
export function threadsLength(text: string): number {
  let length = text.length;
  for (const part of segmentedParts(text)) {
    for (const { segment } of segmenter('grapheme').segment(part)) {
      if (EMOJI.test(segment)) length += utf8Bytes(segment) - segment.length;
    }
  }
  return length;
}

/** URLs with a scheme, `www.` addresses and bare domains (Threads links `astanatimes.com` too). */
const URL_LIKE = /\bhttps?:\/\/[^\s<>"]+|\bwww\.[^\s<>"]+|(?<![\p{L}\p{N}@.-])(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}(?:\/[^\s<>"]*)?/giu;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"»…]+$/u;

/** The distinct links in a text ("All unique URLs found in the text field are counted as links"). */
export function linksIn(text: string): Set<string> {
  return new Set([...text.matchAll(URL_LIKE)].map((m) => m[0].replace(TRAILING_PUNCTUATION, '').toLowerCase()));
}

export function countLinks(text: string): number {
  return linksIn(text).size;
}

export const threadsRules: PlatformRules = {
  defaultTemplate: '{title}\n\n{summary}\n\n{link}\n{hashtags}',
  // A Threads post carries one topic tag: the first hashtag in the text; more add nothing.
  maxHashtags: 1,
  layouts: [
    {
      name: 'text',
      budgets: [
        { unit: 'chars (emoji as UTF-8 bytes)', limit: THREADS_MAX_LENGTH, count: threadsLength },
        { unit: 'links', limit: THREADS_MAX_LINKS, count: countLinks },
      ],
    },
  ],
};

export const threadsAdapter = defineAdapter({
  platform: 'threads',
  schema: z.strictObject({
    userId: z.string().regex(/^(\d+|me)$/, 'the numeric Threads user ID (GET /me?fields=id) or "me"'),
    auth: tokenOrApp('Threads', 'accessToken', 'A long-lived Threads user access token with threads_content_publish'),
    ...oauthKeys('Threads', THREADS_AUTHORIZE_URL),
  }),
  oauth: threadsOAuthFlow(THREADS_API_ROOT),
  inDoubt: 'hold',
  pacing: { windows: [{ limit: THREADS_POSTS_PER_DAY, seconds: 86_400 }] },
  async create(channel, ctx) {
    const root = (channel.apiRoot ?? THREADS_API_ROOT).replace(/\/+$/, '');
    const { accessToken } = channel.auth;
    const graph = new GraphApi({
      platform: 'Threads',
      root,
      tokens: accessToken !== undefined ? configuredToken(accessToken) : await storedTokens(channel.id, ctx, (token) => refreshThreadsToken(root, token)),
      authHint:
        accessToken !== undefined
          ? `create a new long-lived Threads access token and set auth.accessToken of channel ${channel.id} (see docs/platforms/threads.md)`
          : `run \`herald auth ${channel.id}\` to connect the account again`,
      redact: makeRedactor(Object.values(channel.auth).filter((v): v is string => v !== undefined)),
    });
    const user = channel.userId;
    return {
      rules: threadsRules,
      prepare: () => graph.renewIfDue(),
      async send(post, ctx) {
        const { signal } = ctx;
        const links = linksIn(post.text);
        // The attachment is one more link unless the text already has it; never go over five.
        const attach = links.has(post.link.toLowerCase()) || links.size < THREADS_MAX_LINKS;
        const params = { media_type: 'TEXT', text: post.text, ...(attach && { link_attachment: post.link }) };
        return publishViaContainer(
          graph,
          {
            platform: 'Threads',
            createPath: `${user}/threads`,
            publishPath: `${user}/threads_publish`,
            params,
            statusFields: { status: 'status', detail: 'error_message' },
            where: 'the profile',
          },
          signal,
        );
      },
    };
  },
});
