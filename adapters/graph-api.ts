/**
 * What Facebook, Instagram and Threads share: Meta's Graph API conventions (form-encoded
 * parameters with `access_token`, the `{error:{message,type,code,error_subcode,fbtrace_id}}`
 * object), what each error means for a send, and two-step publishing through a media
 * container that is polled until it is ready.
 *
 * Error codes: https://developers.facebook.com/docs/graph-api/guides/error-handling and
 * https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SendResult } from '../src/platform.ts';
import { RenewalRefusedError } from '../src/auth/oauth-tokens.ts';
import { makeRedactor, type Redactor } from '../src/redact.ts';
import { describeError, retryAfterMs, wasNeverSent } from './http-errors.ts';
import type { GraphTokens } from './meta-tokens.ts';
import { platformFetch } from './platform-fetch.ts';

export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id?: string;
  is_transient?: boolean;
}

/** A failure carries the Graph error object when the platform sent one. */
export type GraphReply = { ok: true; body: Record<string, unknown> } | { ok: false; result: SendResult; error?: GraphError };

/**
 * 'prepare': nothing is visible yet (container creation, status, quota): any failure can be retried.
 * 'publish': the request that makes the post: a timeout or a server error may still have posted.
 * 'edit': changes a published post; doing it twice does no harm, so any failure can be retried.
 */
export type GraphStep = 'prepare' | 'publish' | 'edit';

/** Graph's answer for an object that does not exist (deleted, or never was): code 100, subcode 33. */
export function isMissingObject(error: GraphError | undefined): boolean {
  return error?.code === 100 && error.error_subcode === 33;
}

export interface GraphApiOptions {
  /** For messages: "Facebook", "Instagram", "Threads". */
  platform: string;
  /** The channel's apiRoot (version included), without a trailing slash. */
  root: string;
  tokens: GraphTokens;
  /** What the operator does when the token is refused, e.g. "set a new Page token in auth.pageAccessToken". */
  authHint: string;
  redact: Redactor;
}

const RATE_LIMIT_CODES = new Set([4, 17, 32, 341, 613]);
/** Business Use Case rate limits (80001 Pages, 80002 Instagram, …). */
const isBusinessUseCaseLimit = (code: number) => code >= 80000 && code <= 80099;
const PERMISSION_CODES = new Set([3, 10]);
const isPermissionCode = (code: number) => PERMISSION_CODES.has(code) || (code >= 200 && code <= 299);
const TOKEN_CODES = new Set([102, 190]);
/** "Temporary issue due to downtime": the request may or may not have been carried out. */
const SERVICE_CODES = new Set([1, 2, -1, -2]);
const DUPLICATE_POST = 506;
const POLICY_BLOCK = 368;
const POLICY_BLOCK_WAIT_MS = 60 * 60 * 1000;
/** Instagram: "You reached maximum number of posts" (code 9). */
const IG_PUBLISHING_LIMIT_SUBCODE = 2207042;
/** Instagram: "We restrict certain activity to protect our community" (code 4, but not a rate limit). */
const IG_SPAM_SUBCODE = 2207051;
/** Daily publishing limits: wait an hour, then check the quota again. */
export const DAILY_LIMIT_WAIT_MS = 60 * 60 * 1000;


/** The longest `estimated_time_to_regain_access` (minutes) in X-Business-Use-Case-Usage, in ms. */
function regainAccessMs(headers: Headers): number | undefined {
  const raw = headers.get('x-business-use-case-usage');
  if (!raw) return undefined;
  try {
    const usage = JSON.parse(raw) as Record<string, { estimated_time_to_regain_access?: number }[]>;
    const minutes = Object.values(usage)
      .flat()
      .map((u) => u.estimated_time_to_regain_access ?? 0);
    const most = Math.max(0, ...minutes);
    return most > 0 ? most * 60_000 : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: GraphError): string {
  const text = [error.message, error.error_user_msg].filter((t): t is string => !!t && t.trim() !== '');
  const unique = [...new Set(text)].join(' — ') || 'no message';
  const code = error.code === undefined ? '' : `code ${error.code}${error.error_subcode ? `/${error.error_subcode}` : ''}`;
  const trace = error.fbtrace_id ? `fbtrace_id ${error.fbtrace_id}` : '';
  const details = [code, trace].filter(Boolean).join(', ');
  return details ? `${unique} (${details})` : unique;
}

/** What a Graph error means for this send. */
export function resultForGraphError(
  status: number,
  error: GraphError | undefined,
  headers: Headers,
  step: GraphStep,
  opts: Pick<GraphApiOptions, 'platform' | 'authHint'>,
): SendResult {
  const { platform } = opts;
  const code = error?.code;
  const text = error ? describe(error) : `HTTP ${status} without a Graph error object`;
  const inDoubtOrRetry = (why: string): SendResult =>
    step === 'publish'
      ? { kind: 'in-doubt', reason: `${platform}: ${why}; the post may have been published` }
      : { kind: 'retry', reason: `${platform}: ${why}` };

  if (code !== undefined) {
    if (error?.error_subcode === IG_SPAM_SUBCODE) return { kind: 'permanent', reason: `${platform} refused the post as suspected spam: ${text}` };
    if (error?.error_subcode === IG_PUBLISHING_LIMIT_SUBCODE) {
      return { kind: 'retry', rateLimited: true, afterMs: DAILY_LIMIT_WAIT_MS, reason: `${platform}: daily publishing limit reached: ${text}` };
    }
    if (RATE_LIMIT_CODES.has(code) || isBusinessUseCaseLimit(code)) {
      const afterMs = regainAccessMs(headers) ?? retryAfterMs(headers);
      return { kind: 'retry', rateLimited: true, ...(afterMs !== undefined && { afterMs }), reason: `${platform}: rate limited: ${text}` };
    }
    if (TOKEN_CODES.has(code) || (error?.type === 'OAuthException' && status === 401)) {
      return { kind: 'auth', reason: `${platform} refused the access token: ${text}; ${opts.authHint}` };
    }
    if (isPermissionCode(code)) {
      return { kind: 'auth', reason: `${platform}: the token lacks a permission: ${text}; ${opts.authHint}` };
    }
    if (code === DUPLICATE_POST) {
      // The Page's latest post already has this exact text, and a resend is byte-identical, so it is ours.
      return { kind: 'already-posted', reason: `${platform} says this is a duplicate of the Page's latest post: ${text}` };
    }
    if (code === POLICY_BLOCK) {
      return { kind: 'retry', rateLimited: true, afterMs: POLICY_BLOCK_WAIT_MS, reason: `${platform}: temporarily blocked for a policy violation: ${text}` };
    }
    if (SERVICE_CODES.has(code) || error?.is_transient === true) return inDoubtOrRetry(`temporary error: ${text}`);
  }
  if (status === 429) {
    const afterMs = retryAfterMs(headers);
    return { kind: 'retry', rateLimited: true, ...(afterMs !== undefined && { afterMs }), reason: `${platform}: rate limited: ${text}` };
  }
  if (status === 401) return { kind: 'auth', reason: `${platform} refused the access token: ${text}; ${opts.authHint}` };
  if (status >= 500) return inDoubtOrRetry(`server error HTTP ${status}: ${text}`);
  return { kind: 'permanent', reason: `${platform} refused the post: ${text}` };
}

function graphError(body: unknown): GraphError | undefined {
  const error = (body as { error?: unknown } | undefined)?.error;
  return error && typeof error === 'object' ? (error as GraphError) : undefined;
}

/** A thin client: every call returns the JSON body, or the SendResult the failure amounts to, secrets scrubbed. */
export class GraphApi {
  constructor(private readonly opts: GraphApiOptions) {}

  /** Renews a long-lived token that is due, before a send is claimed (a crash then leaves nothing in doubt). */
  async renewIfDue(): Promise<void> {
    await this.opts.tokens.current();
  }

  get(path: string, params: Record<string, string>, step: GraphStep, signal: AbortSignal): Promise<GraphReply> {
    return this.request((token) => [`${this.opts.root}/${path}?${new URLSearchParams({ ...params, access_token: token })}`, { method: 'GET', signal }], step, signal);
  }

  post(path: string, params: Record<string, string>, step: GraphStep, signal: AbortSignal): Promise<GraphReply> {
    return this.request((token) => [`${this.opts.root}/${path}`, { method: 'POST', body: new URLSearchParams({ ...params, access_token: token }), signal }], step, signal);
  }

  /** Sends with the channel's token; a token Graph refuses is renewed, where it can be, and the request sent once more. */
  private async request(build: (token: string) => [string, RequestInit], step: GraphStep, signal: AbortSignal): Promise<GraphReply> {
    const { tokens } = this.opts;
    if (signal.aborted) return { ok: false, result: { kind: 'retry', reason: `${this.opts.platform}: cut off (timeout or shutdown) before the request was sent` } };
    let token: { token: string; version: number };
    try {
      token = await tokens.current();
    } catch (err) {
      return { ok: false, result: this.renewalFailure(err) };
    }
    const reply = await this.attempt(...build(token.token), step, token.token);
    if (reply.ok || !tokens.refused || !TOKEN_CODES.has(reply.error?.code ?? 0)) return reply;
    // Refused before anything was done: once more with a renewed token.
    try {
      token = await tokens.refused(token.version);
    } catch (err) {
      return { ok: false, result: this.renewalFailure(err) };
    }
    return this.attempt(...build(token.token), step, token.token);
  }

  /** A renewal the platform refused pauses the channel; one that failed on the way is retried. */
  private renewalFailure(err: unknown): SendResult {
    const { platform } = this.opts;
    if (err instanceof RenewalRefusedError) return this.scrub({ kind: 'auth', reason: `${platform}: the channel's token could not be renewed (${err.message}); ${this.opts.authHint}` });
    return this.scrub({ kind: 'retry', reason: `${platform}: the channel's token could not be renewed: ${describeError(err)}` });
  }

  private async attempt(url: string, init: RequestInit, step: GraphStep, token: string): Promise<GraphReply> {
    const { platform } = this.opts;
    const scrub = (result: SendResult) => this.scrub(result, token);
    let response: Response;
    let body: unknown;
    try {
      response = await platformFetch(url, init);
      const text = await response.text();
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
    } catch (err) {
      return { ok: false, result: scrub(this.transportResult(err, step, init.signal ?? undefined)) };
    }
    const error = graphError(body);
    if (!response.ok || error) {
      return {
        ok: false,
        result: scrub(resultForGraphError(response.status, error, response.headers, step, this.opts)),
        ...(error && { error }),
      };
    }
    if (!body || typeof body !== 'object') {
      const why = `answered HTTP ${response.status} without a JSON body`;
      return {
        ok: false,
        result: step === 'publish' ? { kind: 'in-doubt', reason: `${platform} ${why}; the post may have been published` } : { kind: 'retry', reason: `${platform} ${why}` },
      };
    }
    return { ok: true, body: body as Record<string, unknown> };
  }

  private transportResult(err: unknown, step: GraphStep, signal: AbortSignal | undefined): SendResult {
    const { platform } = this.opts;
    const detail = signal?.aborted ? 'the request was cut off (timeout or shutdown)' : `network error: ${describeError(err)}`;
    if (step !== 'publish' || wasNeverSent(err)) return { kind: 'retry', reason: `${platform}: ${detail}` };
    return { kind: 'in-doubt', reason: `${platform}: ${detail} after the post was sent; it may have been published` };
  }

  /** The channel's secrets out of a reason, and the token the request carried (a renewed one is in no redactor yet). */
  private scrub(result: SendResult, token?: string): SendResult {
    return 'reason' in result ? { ...result, reason: makeRedactor(token === undefined ? [] : [token])(this.opts.redact(result.reason)) } : result;
  }
}

export function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Waits between status checks: quick at first (text and images are usually ready at once), about 40 s in all. */
const POLL_DELAYS_MS = [250, 500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 4000];

/**
 * Polls a media container until its status is FINISHED. Instagram names the field
 * `status_code` (detail in `status`), Threads `status` (detail in `error_message`).
 * Nothing is visible before the container is published, so every failure here is a retry
 * except ERROR, which is the platform refusing the media.
 */
async function waitUntilFinished(
  graph: GraphApi,
  containerId: string,
  fields: { status: string; detail: string },
  platform: string,
  signal: AbortSignal,
): Promise<{ ok: true } | { ok: false; result: SendResult }> {
  for (let attempt = 0; ; attempt++) {
    const reply = await graph.get(containerId, { fields: `${fields.status},${fields.detail}` }, 'prepare', signal);
    if (!reply.ok) return reply;
    const status = stringField(reply.body, fields.status);
    const detail = stringField(reply.body, fields.detail);
    if (status === 'FINISHED') return { ok: true };
    if (status === 'ERROR') {
      return { ok: false, result: { kind: 'permanent', reason: `${platform} could not process the media: ${detail ?? 'no detail given'}` } };
    }
    if (status === 'EXPIRED' || status === 'PUBLISHED') {
      return { ok: false, result: { kind: 'retry', reason: `${platform}: media container ${containerId} is ${status}; a new one is made on the next attempt` } };
    }
    const delay = POLL_DELAYS_MS[attempt];
    if (delay === undefined) {
      return { ok: false, result: { kind: 'retry', reason: `${platform}: media container still ${status ?? 'not ready'} after ${POLL_DELAYS_MS.reduce((a, b) => a + b) / 1000} s` } };
    }
    try {
      await sleep(delay, undefined, { signal });
    } catch {
      return { ok: false, result: { kind: 'retry', reason: `${platform}: cut off (timeout or shutdown) while the media container was processing` } };
    }
  }
}

/** The public URL of a published media object, when the platform gives one; never fails the send. */
async function permalinkOf(graph: GraphApi, mediaId: string, signal: AbortSignal): Promise<string | undefined> {
  const reply = await graph.get(mediaId, { fields: 'permalink' }, 'prepare', signal);
  return reply.ok ? stringField(reply.body, 'permalink') : undefined;
}

export interface ContainerPublish {
  /** "Instagram" or "Threads", for reasons. */
  platform: string;
  /** Edge that makes the container and the one that publishes it, under the user. */
  createPath: string;
  publishPath: string;
  params: Record<string, string>;
  statusFields: { status: string; detail: string };
  /** What the operator should look at when the publish answer has no id ("the account"). */
  where: string;
}

/**
 * Meta's two-step publishing: make a media container, wait until it is processed, publish
 * it. Nothing is visible before the publish, so only a publish answer without an id is in doubt.
 */
export async function publishViaContainer(graph: GraphApi, p: ContainerPublish, signal: AbortSignal): Promise<SendResult> {
  const container = await graph.post(p.createPath, p.params, 'prepare', signal);
  if (!container.ok) return container.result;
  const containerId = stringField(container.body, 'id');
  if (!containerId) return { kind: 'retry', reason: `${p.platform} answered without a media container id` };
  const ready = await waitUntilFinished(graph, containerId, p.statusFields, p.platform, signal);
  if (!ready.ok) return ready.result;

  const published = await graph.post(p.publishPath, { creation_id: containerId }, 'publish', signal);
  if (!published.ok) return published.result;
  const mediaId = stringField(published.body, 'id');
  if (!mediaId) return { kind: 'in-doubt', reason: `${p.platform} answered without a post id` };
  const url = await permalinkOf(graph, mediaId, signal);
  return { kind: 'sent', remoteId: mediaId, ...(url && { url }) };
}
