/**
 * Mastodon: one status per article on the channel's instance (`POST /api/v1/statuses`),
 * edited in place when the article is corrected (`PUT /api/v1/statuses/:id`, Mastodon 3.5+).
 *
 * Plain fetch rather than masto 7.12: masto's MastoHttpError carries no response headers
 * (a 429's ISO-8601 `X-RateLimit-Reset` is only reachable through its undocumented
 * `cause`), and an error answered with a non-JSON body — a proxy's HTML 502 page — makes
 * masto throw a bare TypeError without the status code, so a transient 5xx could not be
 * told from a bug. Two endpoints do not need a client library.
 */
import { z } from 'zod';
import { urlWithoutCredentials } from '../src/config/url.ts';
import { defineAdapter, type Part, type RenderedPost, type SendResult } from '../src/platform.ts';
import { UserError } from '../src/errors.ts';
import { makeRedactor, type Redactor } from '../src/redact.ts';
import { graphemePrefixes, graphemes } from '../src/render/count.ts';
import { mayBeLink, withoutWords } from './linkish.ts';
import { editResultOf } from './edit-result.ts';
import { delayUntil, describeError, excerpt, wasNeverSent } from './http-errors.ts';
import { twitterText } from './twitter-text.ts';
import { platformFetch } from './platform-fetch.ts';

/** Mastodon's own defaults, used offline (dry run, preview) and for any key an instance leaves out. */
const DEFAULT_MAX_CHARACTERS = 500;
const DEFAULT_URL_WEIGHT = 23;
const INSTANCE_TIMEOUT_MS = 15_000;

export interface MastodonLimits {
  maxCharacters: number;
  /** What every URL counts, whatever its length (`characters_reserved_per_url`). */
  urlWeight: number;
}

const schema = z.strictObject({
  instance: urlWithoutCredentials().optional().describe('Alias of apiRoot: the instance, e.g. https://mastodon.social'),
  visibility: z.enum(['public', 'unlisted', 'private']).default('public'),
  language: z
    .string()
    .regex(/^[a-z]{2}$/, 'use a two-letter ISO 639-1 code such as "en"')
    .optional()
    .describe('ISO 639-1 language of the posts'),
  spoilerText: z.string().min(1).optional().describe('Content warning shown before each post (counts toward the limit)'),
  maxCharacters: z.number().int().positive().max(1_000_000, 'at most 1000000').optional().describe("Overrides the instance's configuration.statuses.max_characters"),
  auth: z.strictObject({
    accessToken: z.string().min(1).describe('Token of an application with the write:statuses scope'),
  }),
});

/**
 * What Mastodon counts for a status (StatusLengthValidator): graphemes of the spoiler text
 * plus the text in which every URL counts `urlWeight` and `@user@domain` counts `@user`.
 *
 * Mastodon finds URLs with twitter-text's extractor under its own, wider path and query
 * rules and more schemes (gemini://, xmpp:, magnet:…). A URL token that twitter-text takes
 * whole and that ends in a character both accept is counted exactly; in any other text
 * each scheme counts 14 more characters than written (the weight minus the shortest URL,
 * "ssb://a.co") — never less than Mastodon counts, so a post that fits here fits there.
 */
const URL_SCHEME = /[A-Za-z][A-Za-z0-9+.-]*:\/\/|xmpp:|magnet:/gu;
const UNCERTAIN_URL_EXTRA = 14;
const CLEAN_URL = /^https?:\/\/[^\s<>()[\]"'`]*[A-Za-z0-9/_-]$/u;
/**
 * Mastodon's Account::MENTION_RE with its word class ([[:word:]]: letters, marks, decimal
 * digits, connector punctuation); the username part is ASCII only, as in USERNAME_RE.
 */
const MENTION_WITH_DOMAIN = /(?<![=/\p{L}\p{M}\p{N}\p{Pc}])@([A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)@[\p{L}\p{M}\p{Nd}\p{Pc}]+(?:[.-]+[\p{L}\p{M}\p{Nd}\p{Pc}]+)*/gu;
/** Mastodon skips a mention followed by another "@" or by "://". */
const NOT_A_MENTION_AFTER = /^(?:[@＠]|:\/\/)/u;

/** Whether Mastodon may count a word otherwise than by its graphemes: a link of any scheme, a mention. */
function countedOtherwise(text: string): boolean {
  return mayBeLink(text) || text.includes('@') || text.includes('xmpp:') || text.includes('magnet:');
}

function isWhitespaceOrEdge(char: string | undefined): boolean {
  return char === undefined || /\s/u.test(char);
}

export function mastodonLength(text: string, urlWeight: number, spoilerText = ''): number {
  let countable = '';
  let last = 0;
  const urls = twitterText().extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false });
  for (const { url, indices } of urls.sort((a, b) => a.indices[0] - b.indices[0])) {
    const [start, end] = indices;
    const wholeToken = isWhitespaceOrEdge(text[start - 1]) && isWhitespaceOrEdge(text[end]);
    if (!wholeToken || !CLEAN_URL.test(url)) continue;
    countable += text.slice(last, start) + 'x'.repeat(urlWeight);
    last = end;
  }
  countable += text.slice(last);
  const uncertainUrls = countable.match(URL_SCHEME)?.length ?? 0;
  countable = countable.replace(MENTION_WITH_DOMAIN, (mention: string, user: string, offset: number, whole: string) =>
    NOT_A_MENTION_AFTER.test(whole.slice(offset + mention.length)) ? mention : `@${user}`,
  );
  return graphemes(spoilerText) + graphemes(countable) + uncertainUrls * UNCERTAIN_URL_EXTRA;
}

/**
 * Keeps titles and summaries from mentioning anyone: a zero-width space after an "@"
 * that starts a username. The operator's own template text is left as written.
 */
function neutralizeMentions(text: string): string {
  return text.replace(/(?<![=/\p{L}\p{M}\p{N}\p{Pc}])@(?=[\p{L}\p{N}_])/gu, '@\u200B');
}

function format(parts: Part[]): string {
  return parts.map((p) => (p.kind === 'literal' || p.kind === 'link' ? p.text : neutralizeMentions(p.text))).join('');
}

/** Instance limits, read once per process per instance; a failed read is not kept. */
const limitsByInstance = new Map<string, Promise<MastodonLimits>>();

async function readInstance(root: string, version: 'v1' | 'v2'): Promise<Response> {
  return platformFetch(`${root}/api/${version}/instance`, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(INSTANCE_TIMEOUT_MS),
  });
}

async function fetchLimits(root: string): Promise<MastodonLimits> {
  let res = await readInstance(root, 'v2');
  // Mastodon before 4.0 has only /api/v1/instance, with the same `configuration`.
  if (res.status === 404) res = await readInstance(root, 'v1');
  if (!res.ok) throw new Error(`${res.url} answered HTTP ${res.status}`);
  const body = (await res.json()) as { configuration?: { statuses?: { max_characters?: unknown; characters_reserved_per_url?: unknown } } };
  const statuses = body.configuration?.statuses;
  const positive = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
  return {
    maxCharacters: positive(statuses?.max_characters) ?? DEFAULT_MAX_CHARACTERS,
    urlWeight: positive(statuses?.characters_reserved_per_url) ?? DEFAULT_URL_WEIGHT,
  };
}

function instanceLimits(root: string): Promise<MastodonLimits> {
  let limits = limitsByInstance.get(root);
  if (!limits) {
    limits = fetchLimits(root);
    limitsByInstance.set(root, limits);
    limits.catch(() => limitsByInstance.delete(root));
  }
  return limits;
}

function instanceRoot(channel: { id: string; apiRoot?: string; instance?: string }): string {
  const root = channel.apiRoot ?? channel.instance;
  if (!root) {
    throw new UserError(
      `channel ${channel.id}: no Mastodon instance`,
      'set apiRoot (or instance) to the address of your server, e.g. https://mastodon.social',
    );
  }
  if (channel.apiRoot && channel.instance && channel.apiRoot !== channel.instance) {
    throw new UserError(`channel ${channel.id}: apiRoot and instance name different servers`, 'keep only one of them');
  }
  return root.replace(/\/+$/u, '');
}

interface MastodonStatus {
  id?: unknown;
  url?: unknown;
  uri?: unknown;
}

/** The `error` text of a Mastodon error body, or the start of whatever else came back. */
async function errorMessage(res: Response, redact: Redactor): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    if (typeof body.error === 'string') {
      return typeof body.error_description === 'string' ? `${body.error}: ${body.error_description}` : body.error;
    }
  } catch {
    // not JSON: a proxy's page
  }
  return excerpt(text, redact, 200) || res.statusText;
}

async function resultOf(res: Response, redact: Redactor): Promise<SendResult> {
  if (res.ok) {
    const status = (await res.json().catch(() => ({}))) as MastodonStatus;
    if (typeof status.id !== 'string') {
      return { kind: 'in-doubt', reason: `Mastodon answered HTTP ${res.status} without a status id` };
    }
    const url = typeof status.url === 'string' ? status.url : typeof status.uri === 'string' ? status.uri : undefined;
    return { kind: 'sent', remoteId: status.id, ...(url !== undefined && { url }) };
  }
  const reason = redact(`Mastodon HTTP ${res.status}: ${await errorMessage(res, redact)}`);
  if (res.status === 429) {
    const reset = Date.parse(res.headers.get('x-ratelimit-reset') ?? '');
    return { kind: 'retry', reason, rateLimited: true, ...(Number.isFinite(reset) && { afterMs: delayUntil(reset) }) };
  }
  if (res.status === 401 || res.status === 403) {
    return { kind: 'auth', reason: `${reason} (create a new access token with the write:statuses scope and set it in auth.accessToken)` };
  }
  if (res.status === 408 || res.status >= 500) return { kind: 'retry', reason };
  return { kind: 'permanent', reason };
}

export const mastodonAdapter = defineAdapter({
  platform: 'mastodon',
  schema,
  inDoubt: 'resend',
  // docs.joinmastodon.org/api/rate-limits: posting statuses is limited to 300 per 3 hours per account.
  pacing: { windows: [{ limit: 300, seconds: 3 * 60 * 60 }] },
  edit: {},
  async create(channel, ctx) {
    const root = instanceRoot(channel);
    const limits: MastodonLimits = ctx.offline
      ? { maxCharacters: channel.maxCharacters ?? DEFAULT_MAX_CHARACTERS, urlWeight: DEFAULT_URL_WEIGHT }
      : await instanceLimits(root).then(
          (read) => ({ ...read, maxCharacters: channel.maxCharacters ?? read.maxCharacters }),
          (err: unknown) => {
            throw new UserError(
              `channel ${channel.id}: could not read the limits of ${root}/api/v2/instance: ${describeError(err)}`,
              'check that apiRoot is the address of a Mastodon server',
            );
          },
        );
    const redact = makeRedactor([channel.auth.accessToken]);
    const spoilerText = channel.spoilerText ?? '';
    const headers = {
      authorization: `Bearer ${channel.auth.accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json',
    };
    /** What a status shows; the same fields create and edit it. */
    const content = (post: RenderedPost) => ({
      status: post.text,
      ...(channel.language !== undefined && { language: channel.language }),
      ...(channel.spoilerText !== undefined && { spoiler_text: channel.spoilerText }),
    });

    return {
      rules: {
        defaultTemplate: '{title}\n\n{summary}\n\n{link}\n{hashtags}',
        layouts: [
          {
            name: 'status',
            budgets: [
              {
                unit: 'graphemes',
                limit: limits.maxCharacters,
                count: (text) => mastodonLength(text, limits.urlWeight, spoilerText),
                prefixWeights: (text) => withoutWords(graphemePrefixes(text), text, countedOtherwise),
              },
            ],
          },
        ],
        format,
      },
      async send(post, sendCtx) {
        if (sendCtx.signal.aborted) return { kind: 'retry', reason: 'cancelled before sending' };
        let res: Response;
        try {
          res = await platformFetch(`${root}/api/v1/statuses`, {
            method: 'POST',
            headers: { ...headers, 'idempotency-key': sendCtx.idempotencyKey },
            body: JSON.stringify({ ...content(post), visibility: channel.visibility }),
            signal: sendCtx.signal,
          });
        } catch (err) {
          const reason = redact(`Mastodon: ${describeError(err)}`);
          return wasNeverSent(err) ? { kind: 'retry', reason } : { kind: 'in-doubt', reason };
        }
        try {
          return await resultOf(res, redact);
        } catch (err) {
          return { kind: 'in-doubt', reason: redact(`Mastodon: answer cut off: ${describeError(err)}`) };
        }
      },
      async edit(remote, post, { signal }) {
        if (signal.aborted) return { kind: 'retry', reason: 'cancelled before editing' };
        let res: Response;
        try {
          res = await platformFetch(`${root}/api/v1/statuses/${encodeURIComponent(remote.remoteId)}`, {
            method: 'PUT',
            headers,
            body: JSON.stringify(content(post)),
            signal,
          });
        } catch (err) {
          return { kind: 'retry', reason: redact(`Mastodon: ${describeError(err)}`) };
        }
        try {
          if (res.status === 404) return { kind: 'gone', reason: redact(`Mastodon HTTP 404: ${await errorMessage(res, redact)}`) };
          return editResultOf(await resultOf(res, redact));
        } catch (err) {
          return { kind: 'retry', reason: redact(`Mastodon: answer cut off: ${describeError(err)}`) };
        }
      },
    };
  },
});
