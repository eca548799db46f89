/**
 * Facebook Page: a feed post whose `link` field makes the article card
 * (`POST /{page-id}/feed` {message, link}), or with `photo: true` and an article image a
 * photo post (`POST /{page-id}/photos` {url, caption}). Posts with a Page access token.
 * A correction replaces the post's message (`POST /{page-post-id}` {message}); its card stays.
 * https://developers.facebook.com/docs/pages-api/posts
 */
import { z } from 'zod';
import { defineAdapter, type PlatformRules } from '../src/platform.ts';
import { utf16 } from '../src/render/count.ts';
import { makeRedactor } from '../src/redact.ts';
import { editResultOf } from './edit-result.ts';
import { FACEBOOK_AUTHORIZE_URL, facebookOAuthFlow } from './facebook-oauth.ts';
import { GraphApi, isMissingObject, stringField } from './graph-api.ts';
import { oauthKeys, tokenOrApp } from './meta-oauth.ts';
import { configuredToken, storedTokens } from './meta-tokens.ts';

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
    auth: tokenOrApp('Facebook', 'pageAccessToken', 'A long-lived Page access token with pages_manage_posts'),
    photo: z.boolean().default(false).describe('Post the article image as a photo with the text as caption, instead of a link card'),
    ...oauthKeys('Facebook', FACEBOOK_AUTHORIZE_URL),
    configId: z
      .string()
      .regex(/^\d+$/, 'the numeric configuration ID (Facebook Login for Business → Configurations)')
      .optional()
      .describe('For `herald auth` with Facebook Login for Business: the configuration (a User access token with the Page permissions) that replaces the scopes'),
  }),
  oauth: facebookOAuthFlow(FACEBOOK_API_ROOT),
  inDoubt: 'hold',
  edit: {},
  async create(channel, ctx) {
    const { pageAccessToken } = channel.auth;
    const redact = makeRedactor(Object.values(channel.auth).filter((v): v is string => v !== undefined));
    const graph = new GraphApi({
      platform: 'Facebook',
      root: (channel.apiRoot ?? FACEBOOK_API_ROOT).replace(/\/+$/, ''),
      // A Page token from `herald auth` does not expire: nothing to renew, only to connect again.
      tokens: pageAccessToken !== undefined ? configuredToken(pageAccessToken) : await storedTokens(channel.id, ctx),
      authHint:
        pageAccessToken !== undefined
          ? `create a new long-lived Page access token for Page ${channel.pageId} and set auth.pageAccessToken of channel ${channel.id} (see docs/platforms/facebook.md)`
          : `run \`herald auth ${channel.id}\` to connect the Page again`,
      redact,
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
      async edit(remote, post, ctx) {
        const reply = await graph.post(remote.remoteId, { message: post.text }, 'edit', ctx.signal);
        if (reply.ok) return { kind: 'edited' };
        if (isMissingObject(reply.error)) return { kind: 'gone', reason: redact(`Facebook: ${reply.error?.message ?? 'the post does not exist'}`) };
        return editResultOf(reply.result);
      },
    };
  },
});
