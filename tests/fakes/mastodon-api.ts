/**
 * A Mastodon instance on 127.0.0.1: `/api/v2/instance` (and v1), `POST /api/v1/statuses`
 * and `PUT /api/v1/statuses/:id` (edit; 404 "Record not found" once deleted) with bearer tokens, Idempotency-Key (same key → the same status, nothing new), the
 * character limit counted as Mastodon counts it, and the 300-per-window status limit
 * answered with 429 and an ISO-8601 X-RateLimit-Reset.
 */
import twttr from 'twitter-text';
import { startFake, type FakeRequest, type FakeResponse, type HttpFake } from '../helpers/http-fake.ts';

export interface MastodonStatus {
  id: string;
  url: string;
  uri: string;
  created_at: string;
  content: string;
  visibility: string;
  language: string | null;
  spoiler_text: string;
  account: { id: string; username: string; acct: string };
}

export interface AcceptedStatus {
  status: MastodonStatus;
  /** The `status` text exactly as received. */
  text: string;
  idempotencyKey?: string;
  request: FakeRequest;
}

export interface EditedStatus {
  id: string;
  /** The new `status` text exactly as received. */
  text: string;
  request: FakeRequest;
}

export type MastodonOverride = (req: FakeRequest) => FakeResponse | 'hang' | undefined;

export interface MastodonFakeOptions {
  accessToken?: string;
  maxCharacters?: number;
  urlWeight?: number;
  /** Serve only /api/v1/instance, like Mastodon before 4.0. */
  v1Only?: boolean;
  /** Statuses allowed before 429, and when that window resets. */
  statusLimit?: { limit: number; resetAt: Date };
}

export interface MastodonFake {
  url: string;
  fake: HttpFake;
  /** Statuses created, in order (a replayed Idempotency-Key adds nothing). */
  posts: AcceptedStatus[];
  /** Edits that changed a status, in order; each also updates it in `posts` (`text`, `status.content`). An identical one is accepted and changes nothing. */
  edits: EditedStatus[];
  /** The status is deleted (as by hand): editing it answers 404. */
  deleteStatus(id: string): void;
  /** Answers the next request to `path` (default: POST /api/v1/statuses; an edit: /api/v1/statuses/ID) with `handler`; undefined falls through. */
  respondNext(handler: MastodonOverride, path?: string): void;
  close(): Promise<void>;
}

const USERNAME = 'herald';

/** Mastodon's countable length (StatusLengthValidator), with twitter-text's extractor as its URL finder. */
export function mastodonCountedLength(text: string, spoiler: string, urlWeight: number): number {
  const graphemes = (s: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].length;
  let countable = '';
  let last = 0;
  for (const { indices } of twttr.extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false })) {
    countable += text.slice(last, indices[0]) + 'x'.repeat(urlWeight);
    last = indices[1];
  }
  countable += text.slice(last);
  countable = countable.replace(/(?<![=/\p{L}\p{M}\p{N}])@([A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)@[\p{L}\p{M}\p{Nd}_]+(?:[.-]+[\p{L}\p{M}\p{Nd}_]+)*/gu, '@$1');
  return graphemes(spoiler) + graphemes(countable);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function startMastodonFake(options: MastodonFakeOptions = {}): Promise<MastodonFake> {
  const accessToken = options.accessToken ?? 'mastodon-test-token';
  const maxCharacters = options.maxCharacters ?? 500;
  const urlWeight = options.urlWeight ?? 23;
  const fake = await startFake();
  const posts: AcceptedStatus[] = [];
  const edits: EditedStatus[] = [];
  const deleted = new Set<string>();
  const byKey = new Map<string, MastodonStatus>();
  const overrides = new Map<string, MastodonOverride>();
  let nextId = 110_000_000_000_000_000n;

  const configuration = {
    urls: { streaming: fake.url.replace(/^http/, 'ws') },
    statuses: { max_characters: maxCharacters, max_media_attachments: 4, characters_reserved_per_url: urlWeight },
  };
  const instanceV2 = { domain: '127.0.0.1', title: 'Fake Mastodon', version: '4.3.0', configuration };
  const instanceV1 = { uri: '127.0.0.1', title: 'Fake Mastodon', version: '3.5.3', configuration };

  const answered = (req: FakeRequest, handler: (req: FakeRequest) => FakeResponse) => {
    const override = overrides.get(req.path);
    if (override) {
      overrides.delete(req.path);
      const answer = override(req);
      if (answer === 'hang') return undefined;
      if (answer) return answer;
    }
    return handler(req);
  };
  const withOverride = (method: string, path: string, handler: (req: FakeRequest) => FakeResponse) => {
    fake.route(method, path, (req) => answered(req, handler));
  };
  const unauthorized = (req: FakeRequest): FakeResponse | undefined =>
    req.headers.authorization === `Bearer ${accessToken}` ? undefined : { status: 401, body: { error: 'The access token is invalid' } };
  const paramsOf = (req: FakeRequest) => (req.json ?? Object.fromEntries(req.form ?? [])) as Record<string, unknown>;
  /** Mastodon's validation of a status text, or undefined when it passes. */
  const invalidText = (text: string, spoiler: string): FakeResponse | undefined => {
    if (!text.trim()) return { status: 422, body: { error: "Validation failed: Text can't be blank" } };
    if (mastodonCountedLength(text, spoiler, urlWeight) > maxCharacters) {
      return { status: 422, body: { error: `Validation failed: Text character limit of ${maxCharacters} exceeded` } };
    }
    return undefined;
  };

  withOverride('GET', '/api/v2/instance', () => (options.v1Only ? { status: 404, body: { error: 'Record not found' } } : { body: instanceV2 }));
  withOverride('GET', '/api/v1/instance', () => ({ body: instanceV1 }));

  withOverride('POST', '/api/v1/statuses', (req) => {
    const refused = unauthorized(req);
    if (refused) return refused;
    const key = req.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' ? key : undefined;
    const replay = idempotencyKey === undefined ? undefined : byKey.get(idempotencyKey);
    if (replay) return { body: replay };
    if (options.statusLimit && posts.length >= options.statusLimit.limit) {
      return {
        status: 429,
        headers: {
          'x-ratelimit-limit': String(options.statusLimit.limit),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': options.statusLimit.resetAt.toISOString(),
        },
        body: { error: 'Too many requests' },
      };
    }
    const params = paramsOf(req);
    const text = typeof params.status === 'string' ? params.status : '';
    const spoiler = typeof params.spoiler_text === 'string' ? params.spoiler_text : '';
    const visibility = typeof params.visibility === 'string' ? params.visibility : 'public';
    const invalid = invalidText(text, spoiler);
    if (invalid) return invalid;
    if (!['public', 'unlisted', 'private', 'direct'].includes(visibility)) {
      return { status: 422, body: { error: `'${visibility}' is not a valid visibility` } };
    }
    const id = String(nextId++);
    const status: MastodonStatus = {
      id,
      url: `${fake.url}/@${USERNAME}/${id}`,
      uri: `${fake.url}/users/${USERNAME}/statuses/${id}`,
      created_at: new Date().toISOString(),
      content: `<p>${escapeHtml(text).replaceAll('\n', '<br />')}</p>`,
      visibility,
      language: typeof params.language === 'string' ? params.language : null,
      spoiler_text: spoiler,
      account: { id: '1', username: USERNAME, acct: USERNAME },
    };
    if (idempotencyKey !== undefined) byKey.set(idempotencyKey, status);
    posts.push({ status, text, ...(idempotencyKey !== undefined && { idempotencyKey }), request: req });
    return { body: status };
  });

  fake.fallback((req) => {
    const edit = /^\/api\/v1\/statuses\/(\d+)$/.exec(req.path);
    if (req.method !== 'PUT' || !edit) return { status: 404, body: { error: 'Not Found' } };
    return answered(req, () => {
      const refused = unauthorized(req);
      if (refused) return refused;
      const accepted = posts.find((p) => p.status.id === edit[1]);
      if (!accepted || deleted.has(accepted.status.id)) return { status: 404, body: { error: 'Record not found' } };
      const params = paramsOf(req);
      const text = typeof params.status === 'string' ? params.status : '';
      const spoiler = typeof params.spoiler_text === 'string' ? params.spoiler_text : accepted.status.spoiler_text;
      const invalid = invalidText(text, spoiler);
      if (invalid) return invalid;
      // Mastodon records an edit only when something changed.
      if (text === accepted.text && spoiler === accepted.status.spoiler_text) return { body: accepted.status };
      accepted.text = text;
      accepted.status = {
        ...accepted.status,
        content: `<p>${escapeHtml(text).replaceAll('\n', '<br />')}</p>`,
        spoiler_text: spoiler,
        ...(typeof params.language === 'string' && { language: params.language }),
      };
      edits.push({ id: accepted.status.id, text, request: req });
      return { body: { ...accepted.status, edited_at: new Date().toISOString() } };
    });
  });

  return {
    url: fake.url,
    fake,
    posts,
    edits,
    deleteStatus(id) {
      deleted.add(id);
    },
    respondNext(handler, path = '/api/v1/statuses') {
      overrides.set(path, handler);
    },
    close: () => fake.close(),
  };
}
