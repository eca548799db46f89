/**
 * Facebook Page: a feed post whose `link` field makes the article card
 * (`POST /{page-id}/feed` {message, link}), or with `photo: true` and an article image a
 * photo post (`POST /{page-id}/photos` {url, caption}). Posts with a Page access token.
 * https://developers.facebook.com/docs/pages-api/posts
 */
import { z } from 'zod';
import { defineAdapter, type PlatformRules } from '../src/platform.ts';
import { utf16 } from '../src/render/count.ts';
import { makeRedactor } from '../src/redact.ts';
import { GraphApi, stringField } from './graph-api.ts';

export const FACEBOOK_API_ROOT = 'https://graph.facebook.com/v25.0';

/** Facebook documents no cap for a Page post; 63,206 characters is the limit its composer enforces. */
export const FACEBOOK_MAX_CHARS = 63_206;

const budgets = [{ unit: 'UTF-16', limit: FACEBOOK_MAX_CHARS, count: utf16 }];

export function facebookRules(photo: boolean): PlatformRules {
  return {
    defaultTemplate: '{title}\n\n{summary}\n\n{link}\n{hashtags}',
    layouts: [...(photo ? [{ name: 'photo', budgets, needsImage: true }] : []), { name: 'feed', budgets }],
  };
}

export const facebookAdapter = defineAdapter({
  platform: 'facebook',
  schema: z.strictObject({
    pageId: z.string().regex(/^\d+$/, 'the numeric Page ID (Page settings → About → Page transparency, or GET /me/accounts)'),
    auth: z.strictObject({
      pageAccessToken: z.string().min(1).describe('A long-lived Page access token with pages_manage_posts'),
    }),
    photo: z.boolean().default(false).describe('Post the article image as a photo with the text as caption, instead of a link card'),
  }),
  inDoubt: 'hold',
  async create(channel) {
    const graph = new GraphApi({
      platform: 'Facebook',
      root: (channel.apiRoot ?? FACEBOOK_API_ROOT).replace(/\/+$/, ''),
      accessToken: channel.auth.pageAccessToken,
      authHint: `create a new long-lived Page access token for Page ${channel.pageId} and set auth.pageAccessToken of channel ${channel.id} (see docs/platforms/facebook.md)`,
      redact: makeRedactor([channel.auth.pageAccessToken]),
    });
    return {
      rules: facebookRules(channel.photo),
      async send(post, ctx) {
        const photoUrl = post.layout === 'photo' ? post.imageUrl : undefined;
        const reply = photoUrl
          ? await graph.post(
              `${channel.pageId}/photos`,
              { url: photoUrl, caption: post.text, ...(post.imageAlt && { alt_text_custom: post.imageAlt }) },
              'publish',
              ctx.signal,
            )
          : await graph.post(`${channel.pageId}/feed`, { message: post.text, link: post.link }, 'publish', ctx.signal);
        if (!reply.ok) return reply.result;
        // A photo answers {id: photo id, post_id: page-id_post-id}; a feed post {id: page-id_post-id}.
        const postId = stringField(reply.body, 'post_id') ?? stringField(reply.body, 'id');
        if (!postId) return { kind: 'in-doubt', reason: 'Facebook answered without a post id' };
        return { kind: 'sent', remoteId: postId, url: `https://www.facebook.com/${postId}` };
      },
    };
  },
});
