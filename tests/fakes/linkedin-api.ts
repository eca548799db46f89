/**
 * A stateful fake of LinkedIn's versioned REST API: `POST /rest/posts` (201 with the post
 * URN in `x-restli-id`), `POST /rest/posts/{urn}` with `X-RestLi-Method: PARTIAL_UPDATE`
 * (204; 404 once the post is deleted), the Images API upload (`initializeUpload`, then a PUT of the
 * bytes) and LinkedIn's error bodies `{status, serviceErrorCode, code, message}`.
 */
import type { FakeResponse } from '../helpers/http-fake.ts';
import { startPlatformFake, type PlatformFake } from './graph-api.ts';

export interface LinkedInPost {
  urn: string;
  headers: Record<string, string | string[] | undefined>;
  body: {
    author: string;
    commentary: string;
    visibility: string;
    distribution: unknown;
    content?: { article?: { source: string; title: string; description?: string; thumbnail?: string } };
    lifecycleState: string;
  };
}

function linkedInError(status: number, message: string, code?: string, serviceErrorCode?: number): FakeResponse {
  return { status, body: { status, message, ...(code && { code }), ...(serviceErrorCode !== undefined && { serviceErrorCode }) } };
}

export interface LinkedInEdit {
  urn: string;
  /** The partial update exactly as received: `{patch: {$set: {…}}}`. */
  body: unknown;
}

export interface LinkedInFake extends PlatformFake<LinkedInPost> {
  uploads: Map<string, Buffer>;
  /** Partial updates that changed a post, in order; each also applies its `$set` to the post's body. An identical one changes nothing. */
  edits: LinkedInEdit[];
  /** The post is deleted (as by hand): updating it answers 404. */
  deletePost(urn: string): void;
}

export interface LinkedInFakeOptions {
  token: string;
  /** LinkedIn-Version values still active; others get 426 NONEXISTENT_VERSION. Default: any YYYYMM. */
  activeVersions?: string[];
}

export async function startLinkedInFake(opts: LinkedInFakeOptions): Promise<LinkedInFake> {
  let next = 7_100_000_000;
  const uploads = new Map<string, Buffer>();
  const edits: LinkedInEdit[] = [];
  const deleted = new Set<string>();
  const pendingUploads = new Map<string, string>();
  const linkedin: PlatformFake<LinkedInPost> = await startPlatformFake<LinkedInPost>((req, url) => {
    if (req.path.startsWith('/dms-uploads/') && req.method === 'PUT') {
      const image = pendingUploads.get(req.path);
      if (!image) return { status: 404, body: '' };
      uploads.set(image, req.body);
      return { status: 201, body: '' };
    }
    if (req.headers.authorization !== `Bearer ${opts.token}`) return linkedInError(401, 'Invalid access token', 'INVALID_ACCESS_TOKEN', 65600);
    const version = req.headers['linkedin-version'];
    if (typeof version !== 'string') {
      return linkedInError(400, 'A version must be present. Please specify a version by adding the LinkedIn-Version header.', 'VERSION_MISSING');
    }
    if (opts.activeVersions ? !opts.activeVersions.includes(version) : !/^\d{6}$/.test(version)) {
      return linkedInError(426, `Requested version ${version} is not active`, 'NONEXISTENT_VERSION');
    }
    if (req.headers['x-restli-protocol-version'] !== '2.0.0') return linkedInError(400, 'Restli protocol version 2.0.0 is required', 'ILLEGAL_ARGUMENT');
    if (req.method === 'POST' && req.path === '/rest/images' && req.query.get('action') === 'initializeUpload') {
      const id = next++;
      const image = `urn:li:image:C4E${id}`;
      pendingUploads.set(`/dms-uploads/${id}`, image);
      return { body: { value: { uploadUrlExpiresAt: Date.now() + 3_600_000, uploadUrl: `${url}/dms-uploads/${id}`, image } } };
    }
    if (req.method === 'POST' && req.path === '/rest/posts') {
      const body = req.json as LinkedInPost['body'] | undefined;
      if (!body?.author || typeof body.commentary !== 'string') return linkedInError(422, 'Validation failed: /author and /commentary are required', 'UNPROCESSABLE_ENTITY');
      const same = linkedin.posts.find((p) => p.body.commentary === body.commentary);
      if (same) return linkedInError(422, `Content is a duplicate of ${same.urn}`, 'DUPLICATE_POST');
      const urn = `urn:li:share:${next++}`;
      linkedin.posts.push({ urn, headers: req.headers, body });
      return { status: 201, headers: { 'x-restli-id': urn }, body: '' };
    }
    const updated = /^\/rest\/posts\/([^/]+)$/.exec(req.path);
    if (req.method === 'POST' && updated) {
      const urn = decodeURIComponent(updated[1]!);
      if (req.headers['x-restli-method'] !== 'PARTIAL_UPDATE') return linkedInError(400, 'Only PARTIAL_UPDATE is supported on a post', 'ILLEGAL_ARGUMENT');
      const post = linkedin.posts.find((p) => p.urn === urn);
      if (!post || deleted.has(urn)) return linkedInError(404, `Post ${urn} does not exist`, 'NOT_FOUND');
      const set = (req.json as { patch?: { $set?: Partial<LinkedInPost['body']> } } | undefined)?.patch?.$set;
      if (!set || (set.commentary !== undefined && typeof set.commentary !== 'string')) {
        return linkedInError(422, 'Validation failed: expected {patch: {$set: {commentary}}}', 'UNPROCESSABLE_ENTITY');
      }
      const body = { ...post.body, ...set };
      if (JSON.stringify(body) !== JSON.stringify(post.body)) edits.push({ urn, body: req.json });
      post.body = body;
      return { status: 204, body: '' };
    }
    return linkedInError(404, `No route for ${req.method} ${req.path}`, 'NOT_FOUND');
  });
  return Object.assign(linkedin, { uploads, edits, deletePost: (urn: string) => void deleted.add(urn) });
}
