/**
 * Stateful fakes of Meta's Graph APIs (Facebook Pages, Instagram content publishing,
 * Threads) on the loopback HTTP fake: their paths (any `/vNN.N` version prefix), form
 * parameters with `access_token`, answers, and `{error:{message,type,code,error_subcode,
 * fbtrace_id}}` errors.
 */
import type { FakeRequest, FakeResponse, HttpFake } from '../helpers/http-fake.ts';
import { startFake } from '../helpers/http-fake.ts';
import { metaOAuth, type MetaOAuth, type MetaOAuthOptions, type MetaOAuthState } from './meta-oauth.ts';

export type Override = (req: FakeRequest) => FakeResponse | 'hang' | undefined;

export interface PlatformFake<P> {
  url: string;
  fake: HttpFake;
  /** What the platform published, in order. */
  posts: P[];
  /** The next request is answered by `handler` (undefined: answered normally; 'hang': never answered). */
  respondNext(handler: Override): void;
  close(): Promise<void>;
}

export interface GraphRequest {
  req: FakeRequest;
  /** Path without the version prefix: `/123/feed`. */
  path: string;
  /** Query and form parameters together. */
  params: URLSearchParams;
}

let traces = 0;

export function graphError(status: number, code: number, message: string, extra: { subcode?: number; type?: string; userMessage?: string } = {}): FakeResponse {
  return {
    status,
    body: {
      error: {
        message,
        type: extra.type ?? 'OAuthException',
        code,
        ...(extra.subcode !== undefined && { error_subcode: extra.subcode }),
        ...(extra.userMessage !== undefined && { error_user_msg: extra.userMessage }),
        fbtrace_id: `FakeTrace${++traces}`,
      },
    },
  };
}

export const invalidToken = (): FakeResponse => graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
const unknownObject = (req: GraphRequest): FakeResponse =>
  graphError(400, 100, `Unsupported ${req.req.method.toLowerCase()} request. Object with ID '${req.path.split('/')[1]}' does not exist`, {
    subcode: 33,
    type: 'GraphMethodException',
  });

/**
 * A platform fake: a one-shot override answers first when there is one, then `handle`.
 * The LinkedIn and TikTok fakes are built on it too.
 */
export async function startPlatformFake<P>(handle: (req: FakeRequest, url: string) => FakeResponse | Promise<FakeResponse>): Promise<PlatformFake<P>> {
  const fake = await startFake();
  const overrides: Override[] = [];
  fake.fallback((req) => {
    const override = overrides.shift();
    const answer = override?.(req);
    if (answer === 'hang') return undefined;
    return answer ?? handle(req, fake.url);
  });
  return {
    url: fake.url,
    fake,
    posts: [],
    respondNext: (handler) => void overrides.push(handler),
    close: () => fake.close(),
  };
}

/**
 * A Graph fake: its OAuth endpoints when it has them, the token check (the static token, or
 * one its OAuth issued), then `handle`; objects it does not know get Graph's "does not exist".
 */
function startGraphFake<P>(token: string, handle: (req: GraphRequest) => FakeResponse | undefined, oauth?: MetaOAuth): Promise<PlatformFake<P>> {
  return startPlatformFake<P>((req) => {
    const params = new URLSearchParams(req.query);
    for (const [k, v] of req.form ?? []) params.set(k, v);
    const graphReq = { req, path: req.path.replace(/^\/v\d+\.\d+/, ''), params };
    const answer = oauth?.handle(graphReq);
    if (answer) return answer;
    if (params.get('access_token') !== token && !oauth?.accepts(params.get('access_token'))) return invalidToken();
    return handle(graphReq) ?? unknownObject(graphReq);
  });
}

/** A Graph fake started with `oauth` options has Meta's OAuth endpoints too: `oauth` is what they saw. */
export type WithOAuth<F> = F & { oauth?: MetaOAuthState };

function withOAuth<F extends object>(fake: F, oauth: MetaOAuth | undefined): WithOAuth<F> {
  return oauth ? Object.assign(fake, { oauth: oauth.state }) : fake;
}

export interface FacebookPost {
  kind: 'feed' | 'photo';
  id: string;
  message?: string;
  link?: string;
  url?: string;
  caption?: string;
}

export interface FacebookEdit {
  id: string;
  message: string;
}

export interface FacebookFake extends PlatformFake<FacebookPost> {
  /** Edits that changed a post (`POST /{page-post-id}` {message}), in order; each also updates its message or caption. An identical one changes nothing. */
  edits: FacebookEdit[];
  /** The post is deleted on the Page (as by hand): Graph no longer knows it. */
  deletePost(id: string): void;
}

export async function startFacebookFake(opts: { pageId: string; token: string; oauth?: Omit<MetaOAuthOptions, 'account'> & { pageName: string } }): Promise<WithOAuth<FacebookFake>> {
  const oauth = opts.oauth && metaOAuth('facebook', { ...opts.oauth, account: { id: opts.pageId, name: opts.oauth.pageName } });
  let next = 1000;
  const edits: FacebookEdit[] = [];
  const deleted = new Set<string>();
  const graph: PlatformFake<FacebookPost> = await startGraphFake<FacebookPost>(opts.token, ({ req, path, params }) => {
    if (req.method !== 'POST') return undefined;
    const posts = graph.posts;
    const edited = posts.find((p) => `/${p.id}` === path && !deleted.has(p.id));
    if (edited) {
      const message = params.get('message');
      if (!message) return graphError(400, 100, '(#100) Missing message', { type: 'OAuthException' });
      if ((edited.kind === 'photo' ? edited.caption : edited.message) === message) return { body: { success: true } };
      if (edited.kind === 'photo') edited.caption = message;
      else edited.message = message;
      edits.push({ id: edited.id, message });
      return { body: { success: true } };
    }
    if (path === `/${opts.pageId}/feed`) {
      const message = params.get('message') ?? undefined;
      const link = params.get('link') ?? undefined;
      if (!message && !link) return graphError(400, 100, '(#100) Missing message or attachment', { type: 'OAuthException' });
      if (message && posts.at(-1)?.message === message) return graphError(400, 506, '(#506) Duplicate status message');
      const id = `${opts.pageId}_${next++}`;
      posts.push({ kind: 'feed', id, message, link });
      return { body: { id } };
    }
    if (path === `/${opts.pageId}/photos`) {
      const url = params.get('url');
      if (!url) return graphError(400, 324, '(#324) Requires upload file');
      const photoId = String(next++);
      const id = `${opts.pageId}_${next++}`;
      posts.push({ kind: 'photo', id, url, caption: params.get('caption') ?? undefined });
      return { body: { id: photoId, post_id: id } };
    }
    return undefined;
  }, oauth);
  return withOAuth(Object.assign(graph, { edits, deletePost: (id: string) => void deleted.add(id) }), oauth);
}

export interface InstagramPost {
  id: string;
  imageUrl: string;
  caption: string;
}

interface Container {
  imageUrl: string;
  caption: string;
  polls: number;
  published: boolean;
}

export interface InstagramFakeOptions {
  igUserId: string;
  token: string;
  quotaTotal?: number;
  quotaUsage?: number;
  /** Status checks that answer IN_PROGRESS before a container is FINISHED. */
  pollsUntilFinished?: number;
  /** Makes every container end in ERROR with this status text instead. */
  containerError?: string;
  /** Meta's OAuth endpoints too, for the account `username`. */
  oauth?: Omit<MetaOAuthOptions, 'account'> & { username: string };
}

export async function startInstagramFake(opts: InstagramFakeOptions): Promise<WithOAuth<PlatformFake<InstagramPost> & { quota: { usage: number; total: number } }>> {
  const oauth = opts.oauth && metaOAuth('instagram', { ...opts.oauth, account: { id: opts.igUserId, name: opts.oauth.username } });
  const quota = { usage: opts.quotaUsage ?? 0, total: opts.quotaTotal ?? 50 };
  const containers = new Map<string, Container>();
  const media = new Map<string, InstagramPost>();
  let next = 1;
  const user = `/${opts.igUserId}`;
  const graph: PlatformFake<InstagramPost> = await startGraphFake<InstagramPost>(opts.token, ({ req, path, params }) => {
    const id = path.slice(1);
    if (req.method === 'GET' && path === `${user}/content_publishing_limit`) {
      return { body: { data: [{ quota_usage: quota.usage, config: { quota_total: quota.total, quota_duration: 86400 } }] } };
    }
    if (req.method === 'POST' && path === `${user}/media`) {
      const imageUrl = params.get('image_url');
      if (!imageUrl) return graphError(400, 100, 'The parameter image_url is required', { subcode: 2207024 });
      const containerId = `1790000${next++}`;
      containers.set(containerId, { imageUrl, caption: params.get('caption') ?? '', polls: 0, published: false });
      return { body: { id: containerId } };
    }
    if (req.method === 'POST' && path === `${user}/media_publish`) {
      const container = containers.get(params.get('creation_id') ?? '');
      if (!container || container.polls < (opts.pollsUntilFinished ?? 0) || opts.containerError) {
        return graphError(400, 9007, 'Media ID is not available', { subcode: 2207027, userMessage: 'The media is not ready for publishing, please wait for a moment' });
      }
      if (quota.usage >= quota.total) {
        return graphError(400, 9, 'Application request limit reached', {
          subcode: 2207042,
          userMessage: 'You reached maximum number of posts that is allowed to be published by Content Publishing API.',
        });
      }
      container.published = true;
      quota.usage++;
      const post = { id: `1791000${next++}`, imageUrl: container.imageUrl, caption: container.caption };
      media.set(post.id, post);
      graph.posts.push(post);
      return { body: { id: post.id } };
    }
    if (req.method === 'GET' && containers.has(id)) {
      const container = containers.get(id)!;
      if (opts.containerError) return { body: { id, status_code: 'ERROR', status: opts.containerError } };
      const ready = container.polls >= (opts.pollsUntilFinished ?? 0);
      container.polls++;
      const statusCode = container.published ? 'PUBLISHED' : ready ? 'FINISHED' : 'IN_PROGRESS';
      return { body: { id, status_code: statusCode, status: statusCode === 'IN_PROGRESS' ? 'In Progress' : 'Finished: Media has been uploaded and it is ready to be published.' } };
    }
    if (req.method === 'GET' && media.has(id)) return { body: { id, permalink: `https://www.instagram.com/p/FAKE${id}/` } };
    return undefined;
  }, oauth);
  return withOAuth(Object.assign(graph, { quota }), oauth);
}

export interface ThreadsPost {
  id: string;
  text: string;
  linkAttachment?: string;
}

export async function startThreadsFake(opts: {
  userId: string;
  token: string;
  pollsUntilFinished?: number;
  /** Meta's OAuth endpoints too, for the account `username`. */
  oauth?: Omit<MetaOAuthOptions, 'account'> & { username: string };
}): Promise<WithOAuth<PlatformFake<ThreadsPost>>> {
  const oauth = opts.oauth && metaOAuth('threads', { ...opts.oauth, account: { id: opts.userId, name: opts.oauth.username } });
  const containers = new Map<string, { text: string; linkAttachment?: string; polls: number }>();
  const media = new Set<string>();
  let next = 1;
  const user = `/${opts.userId}`;
  const graph: PlatformFake<ThreadsPost> = await startGraphFake<ThreadsPost>(opts.token, ({ req, path, params }) => {
    const id = path.slice(1);
    if (req.method === 'POST' && path === `${user}/threads`) {
      if (params.get('media_type') !== 'TEXT') return graphError(400, 100, 'Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}');
      const text = params.get('text');
      if (!text) return graphError(400, 100, 'Param text is required for text posts', { type: 'THApiException' });
      const containerId = `1800000${next++}`;
      containers.set(containerId, { text, linkAttachment: params.get('link_attachment') ?? undefined, polls: 0 });
      return { body: { id: containerId } };
    }
    if (req.method === 'POST' && path === `${user}/threads_publish`) {
      const container = containers.get(params.get('creation_id') ?? '');
      if (!container || container.polls < (opts.pollsUntilFinished ?? 0)) {
        return graphError(400, 24, 'The requested resource does not exist', { subcode: 4279009, type: 'THApiException' });
      }
      const post = { id: `1801000${next++}`, text: container.text, ...(container.linkAttachment && { linkAttachment: container.linkAttachment }) };
      media.add(post.id);
      graph.posts.push(post);
      return { body: { id: post.id } };
    }
    if (req.method === 'GET' && containers.has(id)) {
      const container = containers.get(id)!;
      const status = container.polls >= (opts.pollsUntilFinished ?? 0) ? 'FINISHED' : 'IN_PROGRESS';
      container.polls++;
      return { body: { id, status } };
    }
    if (req.method === 'GET' && media.has(id)) return { body: { id, permalink: `https://www.threads.net/@herald/post/FAKE${id}` } };
    return undefined;
  }, oauth);
  return withOAuth(graph, oauth);
}
