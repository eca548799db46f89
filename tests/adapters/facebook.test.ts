import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FACEBOOK_MAX_CHARS, facebookAdapter } from '../../adapters/facebook.ts';
import { channelSchemaFor } from '../../src/config/schema.ts';
import type { Adapter, RenderedPost } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import { REFUSED_URL } from '../helpers/http-fake.ts';
import { graphError, startFacebookFake, type FacebookFake } from '../fakes/graph-api.ts';
import { blankArticle, channelOf, offlineContext, onlineContext, reasonOf, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const PAGE = '104500000000001';
const TOKEN = 'EAAcanaryPageToken7Qx1WdZZ9';

function channelFor(raw: Record<string, unknown>) {
  return channelOf(facebookAdapter, { id: 'fb-page', pageId: PAGE, auth: { pageAccessToken: TOKEN }, utm: { source: 'facebook' }, ...raw });
}

const LINK = 'https://astanatimes.com/2024/05/kazakhstan-us-dialogue/?utm_source=facebook&utm_medium=social';
const IMAGE = 'https://astanatimes.com/wp-content/uploads/2024/05/dialogue.jpg';
const TEXT = `Kazakhstan, US Maintain Constructive Dialogue on Human Rights\n\nASTANA – The third meeting was held on May 20.\n\n${LINK}\n#HumanRights`;

function postOf(extra: Partial<RenderedPost> = {}): RenderedPost {
  return renderedPost({ layout: 'feed', text: TEXT, link: LINK, title: 'Kazakhstan, US', ...extra });
}

describe('facebook adapter against the Graph fake', () => {
  let fb: FacebookFake;
  let adapter: Adapter;

  beforeEach(async () => {
    fb = await startFacebookFake({ pageId: PAGE, token: TOKEN });
    adapter = await facebookAdapter.create(channelFor({ apiRoot: `${fb.url}/v25.0` }), onlineContext());
  });
  afterEach(() => fb.close());

  it('posts message and link to /{page-id}/feed as a form with the Page token', async () => {
    const result = await adapter.send(postOf(), sendContext());
    expect(result).toEqual({ kind: 'sent', remoteId: `${PAGE}_1000`, url: `https://www.facebook.com/${PAGE}_1000` });
    expect(fb.fake.requests).toHaveLength(1);
    const [req] = fb.fake.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe(`/v25.0/${PAGE}/feed`);
    expect(req!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(req!.form!)).toEqual({ message: TEXT, link: LINK, access_token: TOKEN });
    expect(fb.posts).toEqual([{ kind: 'feed', id: `${PAGE}_1000`, message: TEXT, link: LINK }]);
  });

  it('posts the photo layout to /{page-id}/photos with the text as caption, answering the post id', async () => {
    const photo = await facebookAdapter.create(channelFor({ apiRoot: `${fb.url}/v25.0`, photo: true }), onlineContext());
    const result = await photo.send(postOf({ layout: 'photo', imageUrl: IMAGE }), sendContext());
    expect(result).toEqual({ kind: 'sent', remoteId: `${PAGE}_1001`, url: `https://www.facebook.com/${PAGE}_1001` });
    expect(fb.fake.requests[0]!.path).toBe(`/v25.0/${PAGE}/photos`);
    expect(Object.fromEntries(fb.fake.requests[0]!.form!)).toEqual({ url: IMAGE, caption: TEXT, access_token: TOKEN });
  });

  it('gives the photo its description as alt_text_custom', async () => {
    const photo = await facebookAdapter.create(channelFor({ apiRoot: `${fb.url}/v25.0`, photo: true }), onlineContext());
    const imageAlt = 'Passengers on the platform of one of the new metro stations';
    await photo.send(postOf({ layout: 'photo', imageUrl: IMAGE, imageAlt }), sendContext());
    expect(Object.fromEntries(fb.fake.requests[0]!.form!)).toEqual({ url: IMAGE, caption: TEXT, alt_text_custom: imageAlt, access_token: TOKEN });
  });

  it.each([4, 17, 32, 613])('turns Graph code %i into a rate-limited retry', async (code) => {
    fb.respondNext(() => graphError(400, code, 'Calls to this api have exceeded the rate limit.'));
    const result = await adapter.send(postOf(), sendContext());
    expect(result).toEqual({ kind: 'retry', rateLimited: true, reason: expect.stringContaining(`(code ${code}, fbtrace_id FakeTrace`) });
    expect(fb.posts).toEqual([]);
  });

  it("waits as long as X-Business-Use-Case-Usage's estimated_time_to_regain_access says, else Retry-After", async () => {
    const usage = { [PAGE]: [{ type: 'pages', call_count: 100, total_cputime: 40, total_time: 40, estimated_time_to_regain_access: 7 }] };
    fb.respondNext(() => ({ ...graphError(400, 32, 'Page request limit reached'), headers: { 'x-business-use-case-usage': JSON.stringify(usage) } }));
    expect(await adapter.send(postOf(), sendContext())).toMatchObject({ kind: 'retry', rateLimited: true, afterMs: 7 * 60_000 });
    fb.respondNext(() => ({ ...graphError(400, 613, 'Calls to this api have exceeded the rate limit.'), headers: { 'retry-after': '90' } }));
    expect(await adapter.send(postOf(), sendContext())).toMatchObject({ kind: 'retry', rateLimited: true, afterMs: 90_000 });
  });

  it('treats duplicate refusal (506) as already posted: the latest Page post has these exact bytes', async () => {
    expect((await adapter.send(postOf(), sendContext())).kind).toBe('sent');
    const again = await adapter.send(postOf(), sendContext());
    expect(again).toEqual({ kind: 'already-posted', reason: expect.stringContaining('(#506) Duplicate status message (code 506') });
    expect(fb.posts).toHaveLength(1);
  });

  it('waits an hour after a temporary policy block (368)', async () => {
    fb.respondNext(() => graphError(400, 368, 'The action attempted has been deemed abusive or is otherwise disallowed'));
    expect(await adapter.send(postOf(), sendContext())).toEqual({
      kind: 'retry',
      rateLimited: true,
      afterMs: 3_600_000,
      reason: expect.stringContaining('temporarily blocked for a policy violation: The action attempted has been deemed abusive'),
    });
  });

  it("is permanent with Facebook's own message for a refused post", async () => {
    fb.respondNext(() => graphError(400, 100, '(#100) The parameter link is invalid', { userMessage: 'The link could not be shared.' }));
    const result = await adapter.send(postOf(), sendContext());
    expect(result.kind).toBe('permanent');
    expect(reasonOf(result)).toMatch(/^Facebook refused the post: \(#100\) The parameter link is invalid — The link could not be shared\. \(code 100, fbtrace_id FakeTrace\d+\)$/);
  });

  it('pauses the channel (auth) when the Page token is refused, saying which key to replace', async () => {
    const stale = await facebookAdapter.create(channelFor({ apiRoot: `${fb.url}/v25.0`, auth: { pageAccessToken: 'EAAexpired' } }), onlineContext());
    const result = await stale.send(postOf(), sendContext());
    expect(result.kind).toBe('auth');
    expect(reasonOf(result)).toContain('Invalid OAuth access token');
    expect(reasonOf(result)).toContain('set auth.pageAccessToken of channel fb-page');
    expect(reasonOf(result)).not.toContain('EAAexpired');
  });

  it('leaves a post in doubt on HTTP 500 or code 2: Facebook may still have posted', async () => {
    fb.respondNext(() => graphError(500, 2, 'An unexpected error has occurred. Please retry your request later.'));
    expect((await adapter.send(postOf(), sendContext())).kind).toBe('in-doubt');
    fb.respondNext(() => ({ status: 502, body: '<html>Bad Gateway</html>' }));
    const result = await adapter.send(postOf(), sendContext());
    expect(result.kind).toBe('in-doubt');
    expect(reasonOf(result)).toContain('server error HTTP 502');
  });

  it('leaves a post in doubt when the request is cut off after it was sent', async () => {
    const controller = new AbortController();
    fb.respondNext(() => {
      setTimeout(() => controller.abort(), 20);
      return 'hang';
    });
    const result = await adapter.send(postOf(), sendContext({ signal: controller.signal }));
    expect(result.kind).toBe('in-doubt');
    expect(reasonOf(result)).toContain('cut off');
  });

  it('retries when the API cannot be reached at all (nothing was sent)', async () => {
    const unreachable = await facebookAdapter.create(channelFor({ apiRoot: `${REFUSED_URL}/v25.0` }), onlineContext());
    const result = await unreachable.send(postOf(), sendContext());
    expect(result.kind).toBe('retry');
    expect(reasonOf(result)).toContain('ECONNREFUSED');
  });

  it('never puts the token in a reason, even when the answer echoes it', async () => {
    fb.respondNext(() => graphError(400, 100, `Invalid parameter: access_token=${TOKEN}`));
    fb.respondNext(() => graphError(400, 190, `Session for ${encodeURIComponent(TOKEN)} has expired`));
    const results = [await adapter.send(postOf(), sendContext()), await adapter.send(postOf(), sendContext())];
    expect(results.map((r) => r.kind)).toEqual(['permanent', 'auth']);
    for (const result of results) {
      expect(reasonOf(result)).toContain('[redacted]');
      expect(reasonOf(result)).not.toContain(TOKEN);
    }
  });
});

describe('facebook adapter: editing a Page post', () => {
  let fb: FacebookFake;
  let adapter: Adapter;
  const CORRECTED = TEXT.replace('May 20', 'May 21');

  beforeEach(async () => {
    fb = await startFacebookFake({ pageId: PAGE, token: TOKEN });
    adapter = await facebookAdapter.create(channelFor({ apiRoot: `${fb.url}/v25.0`, photo: true }), onlineContext());
  });
  afterEach(() => fb.close());

  async function published(post: RenderedPost) {
    const sent = await adapter.send(post, sendContext());
    if (sent.kind !== 'sent') throw new Error(`not sent: ${JSON.stringify(sent)}`);
    fb.fake.requests.length = 0;
    return { remoteId: sent.remoteId, remoteUrl: sent.url };
  }

  it('declares that it can edit, with no time limit', () => {
    expect(facebookAdapter.edit).toEqual({});
  });

  it('POST /{page-post-id} with the new message; the link card stays', async () => {
    const remote = await published(postOf());
    expect(await adapter.edit!(remote, postOf({ text: CORRECTED }), sendContext())).toEqual({ kind: 'edited' });
    expect(fb.fake.requests.map((r) => [r.method, r.path, Object.fromEntries(r.form!)])).toEqual([
      ['POST', `/v25.0/${remote.remoteId}`, { message: CORRECTED, access_token: TOKEN }],
    ]);
    expect(fb.posts).toEqual([{ kind: 'feed', id: remote.remoteId, message: CORRECTED, link: LINK }]);
    expect(fb.edits).toEqual([{ id: remote.remoteId, message: CORRECTED }]);
    expect(await adapter.edit!(remote, postOf({ text: CORRECTED }), sendContext())).toEqual({ kind: 'edited' });
    expect(fb.edits).toHaveLength(1);
  });

  it('a photo post gets its caption replaced and stays a photo post', async () => {
    const remote = await published(postOf({ layout: 'photo', imageUrl: IMAGE }));
    expect(await adapter.edit!(remote, postOf({ layout: 'photo', imageUrl: IMAGE, text: CORRECTED }), sendContext())).toEqual({ kind: 'edited' });
    expect(fb.posts).toEqual([{ kind: 'photo', id: remote.remoteId, url: IMAGE, caption: CORRECTED }]);
  });

  it('a post deleted from the Page is gone (Graph: object does not exist), not retried', async () => {
    const remote = await published(postOf());
    fb.deletePost(remote.remoteId);
    const result = await adapter.edit!(remote, postOf({ text: CORRECTED }), sendContext());
    expect(result).toEqual({ kind: 'gone', reason: `Facebook: Unsupported post request. Object with ID '${remote.remoteId}' does not exist` });
    expect(fb.edits).toEqual([]);
  });

  it('rate limits and server errors are retried, never in doubt; a refused token pauses the channel', async () => {
    const remote = await published(postOf());
    fb.respondNext(() => graphError(400, 32, 'Page request limit reached'));
    fb.respondNext(() => ({ status: 500, body: { error: { message: 'An unknown error occurred', type: 'OAuthException', code: 1 } } }));
    fb.respondNext(() => 'hang');
    fb.respondNext((req) => graphError(400, 190, `Error validating access token ${req.form?.get('access_token')}`));
    const results = [
      await adapter.edit!(remote, postOf({ text: CORRECTED }), sendContext()),
      await adapter.edit!(remote, postOf({ text: CORRECTED }), sendContext()),
      await adapter.edit!(remote, postOf({ text: CORRECTED }), sendContext({ signal: AbortSignal.timeout(200) })),
      await adapter.edit!(remote, postOf({ text: CORRECTED }), sendContext()),
    ];
    expect(results.map((r) => [r.kind, 'rateLimited' in r && r.rateLimited === true])).toEqual([
      ['retry', true],
      ['retry', false],
      ['retry', false],
      ['auth', false],
    ]);
    expect(JSON.stringify(results)).not.toContain(TOKEN);
    expect(fb.edits).toEqual([]);
  });
});

describe('facebook adapter: config and offline creation', () => {
  it('builds its rules without any request when offline, with the photo layout only when asked', async () => {
    const fb = await startFacebookFake({ pageId: PAGE, token: TOKEN });
    const feedOnly = await facebookAdapter.create(channelFor({ apiRoot: fb.url }), offlineContext());
    const withPhoto = await facebookAdapter.create(channelFor({ apiRoot: fb.url, photo: true }), offlineContext());
    expect(feedOnly.rules.layouts.map((l) => l.name)).toEqual(['feed']);
    expect(withPhoto.rules.layouts.map((l) => [l.name, l.needsImage ?? false])).toEqual([
      ['photo', true],
      ['feed', false],
    ]);
    expect(fb.fake.requests).toEqual([]);
    await fb.close();
  });

  it('rejects unknown keys and a Page ID that is not numeric', () => {
    const schema = channelSchemaFor(facebookAdapter);
    const base = { id: 'fb', platform: 'facebook', pageId: PAGE, auth: { pageAccessToken: TOKEN } };
    expect(schema.safeParse(base).success).toBe(true);
    expect(schema.safeParse({ ...base, pageID: PAGE }).success).toBe(false);
    expect(schema.safeParse({ ...base, auth: { pageAccessToken: TOKEN, appSecret: 'x' } }).success).toBe(false);
    expect(schema.safeParse({ ...base, pageId: 'astanatimes' }).success).toBe(false);
  });
});

describe('facebook adapter: every rendered post fits (renderPost + the Page limit)', () => {
  const scripts = fc.constantFrom('Kazakhstan', 'Қазақстан', '哈萨克斯坦', 'كازاخستان', '👨‍👩‍👧‍👦', '🇰🇿', 'e\u0301', '<b>&amp;</b>', '#Astana', '@astanatimes');
  const words = fc.array(fc.oneof(scripts, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })), { minLength: 1, maxLength: 40 });
  const long = fc.array(words.map((w) => w.join(' ')), { minLength: 1, maxLength: 600 }).map((p) => p.join('. '));
  const base = blankArticle();

  it('keeps the message within 63,206 UTF-16 units and sends the link field as the UTM-tagged link', async () => {
    const channel = channelFor({ hashtags: { max: 5 }, photo: true });
    const fb = await startFacebookFake({ pageId: PAGE, token: TOKEN });
    const adapter = await facebookAdapter.create({ ...channel, apiRoot: `${fb.url}/v25.0` }, onlineContext());
    await fc.assert(
      fc.asyncProperty(
        fc.record({ title: words.map((w) => w.join(' ')), summary: fc.oneof(fc.constant(''), long), categories: fc.array(scripts, { maxLength: 20 }), withImage: fc.boolean() }),
        async ({ withImage, ...a }) => {
          const article = { ...base, ...a, ...(withImage && { imageUrl: IMAGE }) };
          const outcome = renderPost(article, channel, adapter.rules);
          if (!outcome.ok) throw new Error(outcome.reason);
          const { post } = outcome;
          expect(post.text.length).toBeLessThanOrEqual(FACEBOOK_MAX_CHARS);
          expect(post.layout).toBe(withImage ? 'photo' : 'feed');
          expect(post.text).toContain(post.link);
          const before = fb.fake.requests.length;
          const result = await adapter.send(post, sendContext());
          expect(result.kind === 'sent' || result.kind === 'already-posted').toBe(true);
          const form = fb.fake.requests[before]!.form!;
          if (withImage) {
            expect(form.get('caption')).toBe(post.text);
            expect(form.get('url')).toBe(IMAGE);
          } else {
            expect(form.get('message')).toBe(post.text);
            expect(form.get('link')).toBe('https://astanatimes.com/2024/05/story/?utm_source=facebook&utm_medium=social');
          }
        },
      ),
      { numRuns: 60 },
    );
    await fb.close();
  });
});
