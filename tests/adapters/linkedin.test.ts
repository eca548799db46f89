import sharp from 'sharp';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeLittle, LINKEDIN_MAX_COMMENTARY, linkedinAdapter, littleHashtags } from '../../adapters/linkedin.ts';
import { channelSchemaFor } from '../../src/config/schema.ts';
import type { Adapter, RenderedPost } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import { startLinkedInFake, type LinkedInFake } from '../fakes/linkedin-api.ts';
import { blankArticle, channelOf, offlineContext, onlineContext, reasonOf, renderedPost, sendContext } from '../helpers/adapter-test.ts';

const AUTHOR = 'urn:li:organization:2414183';
const TOKEN = 'AQVcanaryLinkedInToken4Rt7';

function channelFor(raw: Record<string, unknown>) {
  return channelOf(linkedinAdapter, { id: 'li-page', author: AUTHOR, auth: { accessToken: TOKEN }, utm: { source: 'linkedin' }, ...raw });
}

const LINK = 'https://astanatimes.com/2024/05/dialogue/?utm_source=linkedin&utm_medium=social';
const TITLE = 'Kazakhstan, US Maintain Constructive Dialogue (Third Round)';
const SUMMARY = 'ASTANA – The third meeting was held on May 20.';
const TEXT = `${escapeLittle(TITLE)}\n\n${escapeLittle(SUMMARY)}\n\n${escapeLittle(LINK)}\n\n${littleHashtags('#HumanRights')}`;

const RESERVED = '\\|{}@[]()<>#*_~';
const TEMPLATE = /^\{hashtag\|\\#\|[\p{L}\p{N}\p{M}]+\}/u;

/** Reserved characters that are neither escaped nor part of a hashtag template: each would cut the post short. */
function unescapedReserved(commentary: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < commentary.length; ) {
    const template = commentary.slice(i).match(TEMPLATE);
    if (template) {
      i += template[0].length;
      continue;
    }
    const char = commentary[i]!;
    if (char === '\\' && RESERVED.includes(commentary[i + 1] ?? '')) {
      i += 2;
      continue;
    }
    if (RESERVED.includes(char)) found.push(char);
    i++;
  }
  return found;
}

/** The text LinkedIn shows: escapes removed, hashtag templates as #tags. */
function shown(commentary: string): string {
  return commentary.replace(/\{hashtag\|\\#\|([^}]+)\}/gu, '#$1').replace(/\\([\\|{}@[\]()<>#*_~])/g, '$1');
}

describe('the little text format', () => {
  it('backslash-escapes every reserved character', () => {
    expect(escapeLittle('A (B) [C] {D} <E> @F #G *H* _I_ ~J~ \\K |L. Plain: 100% $4 "q"')).toBe(
      'A \\(B\\) \\[C\\] \\{D\\} \\<E\\> \\@F \\#G \\*H\\* \\_I\\_ \\~J\\~ \\\\K \\|L. Plain: 100% $4 "q"',
    );
  });

  it('keeps hashtags real through the HashtagTemplate, escaping what is not a plain tag', () => {
    expect(littleHashtags('#HumanRights #Қазақстан #ForeignPolicy')).toBe('{hashtag|\\#|HumanRights} {hashtag|\\#|Қазақстан} {hashtag|\\#|ForeignPolicy}');
    expect(littleHashtags('#foo_bar')).toBe('\\#foo\\_bar');
  });
});

describe('linkedin adapter against the LinkedIn fake', () => {
  let linkedin: LinkedInFake;
  let adapter: Adapter;
  let jpeg: Buffer;

  beforeAll(async () => {
    jpeg = await sharp({ create: { width: 1200, height: 630, channels: 3, background: '#1060a0' } }).jpeg().toBuffer();
  });
  beforeEach(async () => {
    linkedin = await startLinkedInFake({ token: TOKEN, activeVersions: ['202605', '202609'] });
    linkedin.fake.route('GET', '/images/dialogue.jpg', () => ({ headers: { 'content-type': 'image/jpeg' }, body: jpeg }));
    linkedin.fake.route('GET', '/images/gone.jpg', () => ({ status: 404, body: '' }));
    adapter = await linkedinAdapter.create(channelFor({ apiRoot: linkedin.url }), onlineContext());
  });
  afterEach(() => linkedin.close());

  const postOf = (extra: Partial<RenderedPost> = {}): RenderedPost =>
    renderedPost({ layout: 'article', text: TEXT, link: LINK, title: TITLE, summary: SUMMARY, hashtags: ['#HumanRights'], ...extra });

  it('uploads the article image as thumbnail and posts an article share with the versioned headers', async () => {
    const result = await adapter.send(postOf({ imageUrl: `${linkedin.url}/images/dialogue.jpg` }), sendContext());
    const urn = linkedin.posts[0]?.urn;
    expect(result).toEqual({ kind: 'sent', remoteId: urn, url: `https://www.linkedin.com/feed/update/${urn}` });
    const requests = linkedin.fake.requests;
    expect(requests.map((r) => `${r.method} ${r.url.replace(/\/dms-uploads\/\d+/, '/dms-uploads/N')}`)).toEqual([
      'POST /rest/images?action=initializeUpload',
      'GET /images/dialogue.jpg',
      'PUT /dms-uploads/N',
      'POST /rest/posts',
    ]);
    expect(requests[0]!.json).toEqual({ initializeUploadRequest: { owner: AUTHOR } });
    const image = [...linkedin.uploads.keys()][0]!;
    expect(linkedin.uploads.get(image)).toEqual(jpeg);
    const posted = requests[3]!;
    expect(posted.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      'linkedin-version': '202605',
      'x-restli-protocol-version': '2.0.0',
    });
    expect(posted.json).toEqual({
      author: AUTHOR,
      commentary: TEXT,
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      content: { article: { source: LINK, title: TITLE, description: SUMMARY, thumbnail: image } },
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
    });
  });

  it('posts the card without a thumbnail when there is no image, or the image cannot be had', async () => {
    await adapter.send(postOf({ summary: '' }), sendContext());
    expect(linkedin.fake.requests.map((r) => r.path)).toEqual(['/rest/posts']);
    expect(linkedin.posts[0]!.body.content).toEqual({ article: { source: LINK, title: TITLE } });

    const result = await adapter.send(postOf({ text: `${TEXT} 2`, imageUrl: `${linkedin.url}/images/gone.jpg` }), sendContext());
    expect(result.kind).toBe('sent');
    expect(linkedin.posts[1]!.body.content).toEqual({ article: { source: LINK, title: TITLE, description: SUMMARY } });
  });

  it('sends the configured Linkedin-Version, and explains a version LinkedIn no longer serves', async () => {
    const newer = await linkedinAdapter.create(channelFor({ apiRoot: linkedin.url, version: '202609' }), onlineContext());
    expect((await newer.send(postOf(), sendContext())).kind).toBe('sent');
    expect(linkedin.fake.requests[0]!.headers['linkedin-version']).toBe('202609');
    const sunset = await linkedinAdapter.create(channelFor({ apiRoot: linkedin.url, version: '202401' }), onlineContext());
    const result = await sunset.send(postOf({ text: 'other' }), sendContext());
    expect(result.kind).toBe('permanent');
    expect(reasonOf(result)).toBe(
      'LinkedIn refused the API version: Requested version 202401 is not active (HTTP 426, NONEXISTENT_VERSION); set `version` to a current YYYYMM (see docs/platforms/linkedin.md)',
    );
  });

  it("takes LinkedIn's duplicate refusal as already posted, with the existing post's URN", async () => {
    const first = await adapter.send(postOf(), sendContext());
    const again = await adapter.send(postOf(), sendContext());
    expect(first.kind).toBe('sent');
    const urn = linkedin.posts[0]!.urn;
    expect(again).toEqual({
      kind: 'already-posted',
      remoteId: urn,
      url: `https://www.linkedin.com/feed/update/${urn}`,
      reason: `LinkedIn: Content is a duplicate of ${urn} (HTTP 422, DUPLICATE_POST)`,
    });
  });

  it('retries after Retry-After on 429', async () => {
    linkedin.respondNext(() => ({ status: 429, headers: { 'retry-after': '45' }, body: { status: 429, message: 'Resource level throttle limit for calls to this resource is reached.' } }));
    expect(await adapter.send(postOf(), sendContext())).toEqual({
      kind: 'retry',
      rateLimited: true,
      afterMs: 45_000,
      reason: 'LinkedIn: rate limited: Resource level throttle limit for calls to this resource is reached. (HTTP 429)',
    });
  });

  it("is permanent with LinkedIn's message when it refuses the post", async () => {
    linkedin.respondNext(() => ({ status: 422, body: { status: 422, message: 'ERROR :: /commentary :: is too long', code: 'UNPROCESSABLE_ENTITY' } }));
    expect(await adapter.send(postOf(), sendContext())).toEqual({
      kind: 'permanent',
      reason: 'LinkedIn refused the post: ERROR :: /commentary :: is too long (HTTP 422, UNPROCESSABLE_ENTITY)',
    });
  });

  it('pauses the channel on 401 and on 403 (no permission to post as this author)', async () => {
    const stale = await linkedinAdapter.create(channelFor({ apiRoot: linkedin.url, auth: { accessToken: 'AQVexpired' } }), onlineContext());
    const refused = await stale.send(postOf(), sendContext());
    expect(refused.kind).toBe('auth');
    expect(reasonOf(refused)).toContain('Invalid access token (HTTP 401, INVALID_ACCESS_TOKEN, serviceErrorCode 65600)');
    expect(reasonOf(refused)).toContain('set auth.accessToken of channel li-page');
    linkedin.respondNext(() => ({ status: 403, body: { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: 'Not enough permissions to access: partnerApiPostsExternal.CREATE.20260501' } }));
    expect((await adapter.send(postOf(), sendContext())).kind).toBe('auth');
  });

  it('leaves the post in doubt on a server error or when the request is cut off', async () => {
    linkedin.respondNext(() => ({ status: 504, body: { status: 504, message: 'Gateway Timeout' } }));
    expect((await adapter.send(postOf(), sendContext())).kind).toBe('in-doubt');
    const cut = new AbortController();
    linkedin.respondNext(() => {
      setTimeout(() => cut.abort(), 20);
      return 'hang';
    });
    const result = await adapter.send(postOf(), sendContext({ signal: cut.signal }));
    expect(result.kind).toBe('in-doubt');
    expect(reasonOf(result)).toContain('cut off');
  });

  it('never puts the token in a reason', async () => {
    linkedin.respondNext(() => ({ status: 400, body: { status: 400, message: `Malformed header Authorization: Bearer ${TOKEN}` } }));
    const result = await adapter.send(postOf(), sendContext());
    expect(result.kind).toBe('permanent');
    expect(reasonOf(result)).toContain('Bearer [redacted]');
    expect(reasonOf(result)).not.toContain(TOKEN);
  });

  it('makes no request when created offline; rejects an author that is not a URN', async () => {
    await linkedinAdapter.create(channelFor({ apiRoot: linkedin.url }), offlineContext());
    expect(linkedin.fake.requests).toEqual([]);
    const schema = channelSchemaFor(linkedinAdapter);
    const base = { id: 'li', platform: 'linkedin', author: AUTHOR, auth: { accessToken: TOKEN } };
    expect(schema.safeParse(base).success).toBe(true);
    expect(schema.safeParse({ ...base, author: 'astana-times' }).success).toBe(false);
    expect(schema.safeParse({ ...base, version: '2026-05' }).success).toBe(false);
  });
});

describe('linkedin adapter: editing a post', () => {
  let linkedin: LinkedInFake;
  let adapter: Adapter;
  const post = renderedPost({ layout: 'article', text: TEXT, link: LINK, title: TITLE, summary: SUMMARY });
  const corrected = { ...post, text: TEXT.replace('Third', 'Fourth') };

  beforeEach(async () => {
    linkedin = await startLinkedInFake({ token: TOKEN });
    adapter = await linkedinAdapter.create(channelFor({ apiRoot: linkedin.url }), onlineContext());
  });
  afterEach(() => linkedin.close());

  async function published() {
    const sent = await adapter.send(post, sendContext());
    if (sent.kind !== 'sent') throw new Error(`not sent: ${JSON.stringify(sent)}`);
    linkedin.fake.requests.length = 0;
    return { remoteId: sent.remoteId, remoteUrl: sent.url };
  }

  it('declares that it can edit, with no time limit', () => {
    expect(linkedinAdapter.edit).toEqual({});
  });

  it('a partial update of the commentary at /rest/posts/{urn}; the article card stays', async () => {
    const remote = await published();
    expect(await adapter.edit!(remote, corrected, sendContext())).toEqual({ kind: 'edited' });
    const [req] = linkedin.fake.requests;
    expect([req!.method, req!.path, linkedin.fake.requests.length]).toEqual(['POST', `/rest/posts/${encodeURIComponent(remote.remoteId)}`, 1]);
    expect(req!.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-restli-method': 'PARTIAL_UPDATE', 'linkedin-version': '202605', 'x-restli-protocol-version': '2.0.0' });
    expect(linkedin.edits).toEqual([{ urn: remote.remoteId, body: { patch: { $set: { commentary: corrected.text } } } }]);
    expect(linkedin.posts.map((p) => [p.urn, p.body.commentary, p.body.content?.article?.title])).toEqual([[remote.remoteId, corrected.text, TITLE]]);
    expect(await adapter.edit!(remote, corrected, sendContext())).toEqual({ kind: 'edited' });
    expect(linkedin.edits).toHaveLength(1);
  });

  it('a post deleted by hand is gone; a server error or a lost answer is retried, not in doubt', async () => {
    const remote = await published();
    linkedin.respondNext(() => ({ status: 503, body: { status: 503, message: 'Service Unavailable' } }));
    expect(await adapter.edit!(remote, corrected, sendContext())).toMatchObject({ kind: 'retry' });
    linkedin.respondNext(() => 'hang');
    expect(await adapter.edit!(remote, corrected, sendContext({ signal: AbortSignal.timeout(200) }))).toEqual({
      kind: 'retry',
      reason: 'LinkedIn: the edit was cut off (timeout or shutdown)',
    });
    linkedin.deletePost(remote.remoteId);
    expect(await adapter.edit!(remote, corrected, sendContext())).toEqual({
      kind: 'gone',
      reason: `LinkedIn: Post ${remote.remoteId} does not exist (HTTP 404, NOT_FOUND)`,
    });
    expect(linkedin.edits).toEqual([]);
  });

  it('a refused token pauses the channel and never appears in the reason', async () => {
    const remote = await published();
    linkedin.respondNext((req) => ({ status: 401, body: { status: 401, message: `Invalid access token ${req.headers.authorization}` } }));
    const result = await adapter.edit!(remote, corrected, sendContext());
    expect(result.kind).toBe('auth');
    expect(reasonOf(result)).not.toContain(TOKEN);
  });
});

describe('linkedin adapter: every rendered commentary is safe little text', () => {
  const scripts = fc.constantFrom('Kazakhstan', 'Қазақстан', '哈萨克斯坦', 'كازاخستان', '👨‍👩‍👧‍👦', '🇰🇿', 'e\u0301', '(2024)', '[update]', '{x}', '<b>', '@astanatimes', '#Astana', '*bold*', '_under_', '~approx~', 'a\\b', 'A | B');
  const reserved = fc.constantFrom(...RESERVED.split(''));
  const words = fc.array(fc.oneof(scripts, reserved, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })), { minLength: 1, maxLength: 120 });
  const slug = fc.array(fc.stringMatching(/^[a-z0-9_~()-]{1,10}$/), { minLength: 1, maxLength: 6 }).map((w) => w.join('-'));
  const base = blankArticle();

  it('escapes every reserved character outside hashtag templates, stays within 3,000, and shows the full link', async () => {
    const channel = channelFor({ hashtags: { max: 4 } });
    const { rules } = await linkedinAdapter.create(channel, offlineContext());
    fc.assert(
      fc.property(
        fc.record({
          title: words.map((w) => w.join(' ')),
          summary: words.map((w) => w.join(' ')),
          categories: fc.array(fc.oneof(scripts, fc.string({ maxLength: 12 })), { maxLength: 12 }),
          link: slug.map((s) => `https://astanatimes.com/2024/05/${s}/`),
        }),
        (a) => {
          const outcome = renderPost({ ...base, ...a, id: a.link, linkKey: a.link }, channel, rules);
          if (!outcome.ok) throw new Error(outcome.reason);
          const { text, link, hashtags } = outcome.post;
          expect(unescapedReserved(text)).toEqual([]);
          expect(text.length).toBeLessThanOrEqual(LINKEDIN_MAX_COMMENTARY);
          expect(link).toBe(`${a.link}?utm_source=linkedin&utm_medium=social`);
          expect(shown(text)).toContain(link);
          for (const tag of hashtags) expect(text).toContain(`{hashtag|\\#|${tag.slice(1)}}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});
