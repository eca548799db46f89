/**
 * Bluesky: one `app.bsky.feed.post` record per article, through @atproto/api 0.19 against
 * the channel's PDS. The link is a facet over a short visible form of it (as the Bluesky
 * app shows links) and an external card with the article image as its thumb.
 *
 * The session is created once per account and refreshed by the library on ExpiredToken;
 * with a secret key it is kept in the store, sealed, and taken up by the next process, so
 * `createSession` (30 per 5 minutes, 100 per day) runs only when both its tokens are dead.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { domainToUnicode } from 'node:url';
import type * as Atproto from '@atproto/api';
import type { AppBskyRichtextFacet, AtpAgent, AtpSessionData, XRPCError } from '@atproto/api';
import type { Logger } from 'pino';
import type { ChannelCredentials } from '../src/auth/channel-credentials.ts';
import { z } from 'zod';
import { urlWithoutCredentials } from '../src/config/url.ts';
import { defineAdapter, type Part, type RenderedPost, type SendResult } from '../src/platform.ts';
import { makeRedactor, type Redactor } from '../src/redact.ts';
import { graphemePrefixes, graphemes, utf8Bytes, utf8Prefixes } from '../src/render/count.ts';
import { fetchImage } from './fetch-image.ts';
import { readableLink } from '../src/render/link-text.ts';
import { delayUntil, describeError, wasNeverSent } from './http-errors.ts';
import { platformFetch } from './platform-fetch.ts';

export const DEFAULT_PDS = 'https://bsky.social';
const POST_COLLECTION = 'app.bsky.feed.post';
/** app.bsky.embed.external#external: thumb ≤ 1,000,000 bytes. */
export const MAX_THUMB_BYTES = 1_000_000;
/** A larger article image is not downloaded at all. */
const MAX_IMAGE_DOWNLOAD_BYTES = 20 * 1024 * 1024;
const THUMB_MAX_WIDTH = 2000;
/** How many characters of the link's path stay visible before "…". */
const VISIBLE_PATH_LENGTH = 24;
/** No call to the PDS may take longer, whatever signal it has (login takes none). */
const CALL_TIMEOUT_MS = 60_000;

const require = createRequire(import.meta.url);

/**
 * @atproto/api, loaded on first use rather than with this module: loading it costs most of a
 * second of CPU, which commands that never post (validate, status, dry runs) need not pay.
 * Loaded synchronously because `facetsFor` is synchronous; Node caches it after the first call.
 */
function atproto(): typeof Atproto {
  return require('@atproto/api') as typeof Atproto;
}

function isXrpcError(err: unknown): err is XRPCError {
  return err instanceof atproto().XRPCError;
}

const schema = z.strictObject({
  service: urlWithoutCredentials().optional().describe(`Alias of apiRoot: the PDS, default ${DEFAULT_PDS}`),
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'use a BCP-47 language tag such as "en" or "kk-KZ"')
    .optional()
    .describe("Language of the posts (the record's langs)"),
  auth: z.strictObject({
    identifier: z.string().min(1).describe('Handle or DID of the account, e.g. astanatimes.bsky.social'),
    password: z.string().min(1).describe('An app password (Settings → Privacy and security → App passwords)'),
  }),
});

/**
 * The visible form of a link, as the Bluesky app shows links: host without "www.", then
 * the path and query (without UTM tags), "…" when cut — enough of it to tell two links
 * apart (`youtube.com/watch?v=q-6oU…`). The facet carries the full URL, tags included.
 */
export function displayLink(link: string): string {
  if (!URL.canParse(link)) return link;
  const url = new URL(readableLink(link));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return link;
  const hostname = url.hostname.startsWith('[') ? url.hostname : domainToUnicode(url.hostname) || url.hostname;
  const host = hostname.replace(/^www\./i, '') + (url.port ? `:${url.port}` : '');
  const rest = (url.pathname === '/' ? '' : url.pathname) + url.search;
  // A path and query are percent-encoded ASCII: cutting them splits no character.
  return host + (rest.length > VISIBLE_PATH_LENGTH + 1 ? `${rest.slice(0, VISIBLE_PATH_LENGTH)}…` : rest);
}

function format(parts: Part[]): string {
  return parts.map((p) => (p.kind === 'link' ? displayLink(p.text) : p.text)).join('');
}

type Facet = AppBskyRichtextFacet.Main;

function linkFacet(text: string, link: string): Facet | undefined {
  for (const shown of [displayLink(link), link]) {
    const at = text.lastIndexOf(shown);
    if (at < 0) continue;
    const byteStart = utf8Bytes(text.slice(0, at));
    return {
      index: { byteStart, byteEnd: byteStart + utf8Bytes(shown) },
      features: [{ $type: 'app.bsky.richtext.facet#link', uri: link }],
    };
  }
  return undefined;
}

/**
 * The post's facets: the article link over its visible form, plus the hashtags and other
 * links Bluesky's own detection finds. Mentions are left as text (no handle is resolved,
 * so a title's "@someone" notifies no one).
 */
export function facetsFor(text: string, link: string): Facet[] {
  const article = linkFacet(text, link);
  const { RichText } = atproto();
  const rich = new RichText({ text });
  rich.detectFacetsWithoutResolution();
  const overlapsArticle = (f: Facet) =>
    article !== undefined && f.index.byteStart < article.index.byteEnd && article.index.byteStart < f.index.byteEnd;
  const detected = (rich.facets ?? []).filter(
    (f) => !overlapsArticle(f) && f.features.every((feature) => feature.$type !== 'app.bsky.richtext.facet#mention'),
  );
  return [...detected, ...(article ? [article] : [])].sort((a, b) => a.index.byteStart - b.index.byteStart);
}

const TID_ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';

/**
 * The record key of a delivery: a TID (13 characters of base32-sortable, top bit zero)
 * made from a hash of the idempotency key, so every attempt writes the same record and a
 * resend finds the first one. Its "timestamp" is arbitrary: TIDs are not trusted as times.
 */
export function recordKeyFor(idempotencyKey: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest();
  const value = digest.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn;
  let key = '';
  for (let i = 12; i >= 0; i--) key += TID_ALPHABET[Number((value >> BigInt(i * 5)) & 31n)];
  return key;
}

/** Re-encodes an image as a JPEG of at most `maxBytes`, narrowing it until it fits. */
export async function shrinkToJpeg(image: Buffer, maxBytes = MAX_THUMB_BYTES): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const { width: original } = await sharp(image).metadata();
  let width = Math.min(original ?? THUMB_MAX_WIDTH, THUMB_MAX_WIDTH);
  for (let attempt = 0; attempt < 8 && width >= 16; attempt++) {
    const jpeg = await sharp(image)
      .rotate()
      .resize({ width, withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80, mozjpeg: true })
      .toBuffer();
    if (jpeg.length <= maxBytes) return jpeg;
    // The size of a JPEG grows with its area: aim just under the limit.
    width = Math.floor(width * Math.min(0.9, Math.sqrt(maxBytes / jpeg.length) * 0.95));
  }
  throw new Error(`could not shrink the image under ${maxBytes} bytes`);
}

/** fetch, abandoning any request after `ms`, on top of the request's own signal. */
function fetchWithin(ms: number): typeof fetch {
  return (input, init) => {
    const signals = [AbortSignal.timeout(ms)];
    if (input instanceof Request) signals.push(input.signal);
    if (init?.signal) signals.push(init.signal);
    return platformFetch(input, { ...init, signal: AbortSignal.any(signals) });
  };
}

const SESSION_KIND = 'bluesky-session';

/**
 * One logged-in agent per PDS and account, shared by every channel of this process; its
 * session kept in the store of the channel that opened it, where one is open with a key.
 */
class BlueskySession {
  readonly agent: AtpAgent;
  private loggingIn: Promise<void> | undefined;
  private stored: { credentials: ChannelCredentials; version: number } | undefined;
  /** The refresh JWT of the session in use, and of the last one the PDS refused (never taken up again). */
  private liveRefreshJwt: string | undefined;
  private deadRefreshJwt: string | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    service: string,
    private readonly identifier: string,
    private readonly log: Logger,
  ) {
    const { AtpAgent } = atproto();
    this.agent = new AtpAgent({ service, fetch: fetchWithin(CALL_TIMEOUT_MS), persistSession: (event, session) => this.persist(event, session) });
  }

  /** Keeps the session in `credentials` from now on (the first channel with a working key wins). */
  async keepIn(credentials: ChannelCredentials | undefined): Promise<void> {
    if (this.stored || !credentials) return;
    try {
      await credentials.checkKey();
      this.stored = { credentials, version: (await credentials.read())?.version ?? 0 };
    } catch (err) {
      this.log.warn({ reason: describeError(err) }, 'the Bluesky session is not kept in the store: it lasts this process only');
    }
  }

  /** Logs in unless a session is live: the agent's own, else the stored one, else a new one. */
  async ready(password: string): Promise<void> {
    await this.saving;
    if (this.agent.hasSession) return;
    this.loggingIn ??= this.takeUpOrLogIn(password).finally(() => (this.loggingIn = undefined));
    await this.loggingIn;
  }

  private async takeUpOrLogIn(password: string): Promise<void> {
    const stored = this.stored && (await this.stored.credentials.read());
    if (stored && this.stored) this.stored.version = stored.version;
    const session = stored?.kind === SESSION_KIND && stored.tokens.identifier === this.identifier ? stored.tokens.session : undefined;
    const data = session === undefined ? undefined : (JSON.parse(session) as AtpSessionData);
    if (data?.refreshJwt && data.refreshJwt !== this.deadRefreshJwt) {
      // Taken up as it is: the library refreshes it when the PDS says the access token expired.
      this.agent.sessionManager.session = data;
      this.liveRefreshJwt = data.refreshJwt;
      return;
    }
    await this.agent.login({ identifier: this.identifier, password });
  }

  private persist(event: string, session: AtpSessionData | undefined): void {
    if (event === 'expired') this.deadRefreshJwt = this.liveRefreshJwt;
    if (!session || (event !== 'create' && event !== 'update')) return;
    this.liveRefreshJwt = session.refreshJwt;
    const stored = this.stored;
    if (!stored) return;
    const next = {
      kind: SESSION_KIND,
      tokens: { session: JSON.stringify(session), identifier: this.identifier },
      account: session.handle,
      refreshedAt: Date.now(),
    };
    this.saving = this.saving.then(async () => {
      try {
        let written = await stored.credentials.write(next, stored.version);
        // Another process stored its own session meanwhile: both work, the newest is kept.
        if (!written) written = await stored.credentials.write(next, (await stored.credentials.read())?.version ?? 0);
        if (written) stored.version = written.version;
      } catch (err) {
        this.log.warn({ reason: describeError(err) }, 'the Bluesky session could not be stored');
      }
    });
  }

  /** Resolves once every session the library handed over is stored. */
  saved(): Promise<void> {
    return this.saving;
  }
}

const sessions = new Map<string, BlueskySession>();

function sessionFor(service: string, identifier: string, password: string, log: Logger): BlueskySession {
  const key = [service, identifier, createHash('sha256').update(password).digest('hex')].join('\n');
  let session = sessions.get(key);
  if (!session) {
    session = new BlueskySession(service, identifier, log);
    sessions.set(key, session);
  }
  return session;
}

/** Rejects when `signal` aborts, so a call that takes no signal (login) cannot outlive the send. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function rateLimitDelay(err: XRPCError): number | undefined {
  const reset = Number(err.headers?.['ratelimit-reset']);
  return Number.isFinite(reset) && reset > 0 ? delayUntil(reset * 1000) : undefined;
}

function describeXrpc(err: unknown): string {
  if (isXrpcError(err) && err.status > 2) return `Bluesky ${err.status} ${err.error}: ${err.message}`;
  return `Bluesky: ${describeError(err)}`;
}

/** What a failed call means when nothing can have been posted by it (login, upload, lookup). */
function beforePosting(err: unknown, redact: Redactor, step: string): SendResult {
  const reason = redact(`${step}: ${describeXrpc(err)}`);
  if (!isXrpcError(err)) return { kind: 'retry', reason };
  if (err.status === 429) return { kind: 'retry', reason, rateLimited: true, ...optionalDelay(rateLimitDelay(err)) };
  const loginRefused = step === 'login' && err.status === 400 && err.error !== 'InvalidToken' && err.error !== 'ExpiredToken';
  if (err.status === 401 || err.status === 403 || loginRefused) {
    return { kind: 'auth', reason: `${reason} (check auth.identifier and auth.password: use an app password, not the account password)` };
  }
  if (err.status === 400 && !['ExpiredToken', 'InvalidToken'].includes(err.error)) return { kind: 'permanent', reason };
  return { kind: 'retry', reason };
}

function optionalDelay(afterMs: number | undefined): { afterMs?: number } {
  return afterMs === undefined ? {} : { afterMs };
}

export const blueskyAdapter = defineAdapter({
  platform: 'bluesky',
  schema,
  inDoubt: 'resend',
  // docs.bsky.app/docs/advanced-guides/rate-limits: 5,000 write points per hour and
  // 35,000 per day per account; creating a record costs 3.
  pacing: {
    windows: [
      { limit: 1666, seconds: 60 * 60 },
      { limit: 11_666, seconds: 24 * 60 * 60 },
    ],
  },
  async create(channel, ctx) {
    const service = (channel.apiRoot ?? channel.service ?? DEFAULT_PDS).replace(/\/+$/u, '');
    const { identifier, password } = channel.auth;
    const redact = makeRedactor([identifier, password]);
    const log = ctx.logger;

    /** The uploaded thumb for the card, or undefined when the image cannot be had (the card goes without). */
    async function uploadThumb(agent: AtpAgent, imageUrl: string, signal: AbortSignal) {
      try {
        const image = await fetchImage(imageUrl, { maxBytes: MAX_IMAGE_DOWNLOAD_BYTES, signal });
        const jpeg = await shrinkToJpeg(image.data);
        const uploaded = await agent.uploadBlob(jpeg, { encoding: 'image/jpeg', signal });
        return uploaded.data.blob;
      } catch (err) {
        if (signal.aborted) throw err;
        log.warn({ image: imageUrl, reason: redact(describeXrpc(err)) }, 'article image left out of the Bluesky card');
        return undefined;
      }
    }

    async function existing(agent: AtpAgent, did: string, rkey: string, signal: AbortSignal): Promise<SendResult | undefined> {
      try {
        const found = await agent.com.atproto.repo.getRecord({ repo: did, collection: POST_COLLECTION, rkey }, { signal });
        return {
          kind: 'already-posted',
          remoteId: found.data.uri,
          url: `https://bsky.app/profile/${did}/post/${rkey}`,
          reason: `record ${found.data.uri} already exists (an earlier attempt posted it)`,
        };
      } catch (err) {
        if (isXrpcError(err) && err.error === 'RecordNotFound') return undefined;
        throw err;
      }
    }

    async function post(rendered: RenderedPost, rkey: string, resend: boolean, signal: AbortSignal): Promise<SendResult> {
      const session = sessionFor(service, identifier, password, log);
      try {
        await session.keepIn(ctx.credentials);
        await abortable(session.ready(password), signal);
      } catch (err) {
        return beforePosting(err, redact, 'login');
      }
      const agent = session.agent;
      const did = agent.assertDid;

      if (resend) {
        try {
          const found = await existing(agent, did, rkey, signal);
          if (found) return found;
        } catch (err) {
          return beforePosting(err, redact, 'checking for an earlier attempt');
        }
      }

      let thumb: Awaited<ReturnType<typeof uploadThumb>>;
      try {
        thumb = rendered.imageUrl === undefined ? undefined : await uploadThumb(agent, rendered.imageUrl, signal);
      } catch (err) {
        return { kind: 'retry', reason: redact(`preparing the card image: ${describeXrpc(err)}`) };
      }
      const record = {
        $type: POST_COLLECTION,
        text: rendered.text,
        facets: facetsFor(rendered.text, rendered.link),
        createdAt: new Date().toISOString(),
        ...(channel.language !== undefined && { langs: [channel.language] }),
        embed: {
          $type: 'app.bsky.embed.external',
          external: { uri: rendered.link, title: rendered.title, description: rendered.summary, ...(thumb && { thumb }) },
        },
      };
      const create = () => agent.com.atproto.repo.createRecord({ repo: did, collection: POST_COLLECTION, rkey, record }, { signal });
      try {
        let created;
        try {
          created = await create();
        } catch (err) {
          // Both tokens of a stored session were dead: nothing was written; log in again and post once more.
          if (!(isXrpcError(err) && ['ExpiredToken', 'InvalidToken'].includes(err.error) && !agent.hasSession)) throw err;
          try {
            await abortable(session.ready(password), signal);
          } catch (loginErr) {
            return beforePosting(loginErr, redact, 'login');
          }
          created = await create();
        }
        return { kind: 'sent', remoteId: created.data.uri, url: `https://bsky.app/profile/${did}/post/${rkey}` };
      } catch (err) {
        return afterPosting(err, agent, did, rkey);
      }
    }

    /** A failed createRecord: the record may exist (a PDS answers 500 when the key is taken, or the write went through). */
    async function afterPosting(err: unknown, agent: AtpAgent, did: string, rkey: string): Promise<SendResult> {
      const reason = redact(describeXrpc(err));
      if (!isXrpcError(err) || err.status === 1 || err.status === 2) {
        return wasNeverSent(err) ? { kind: 'retry', reason } : { kind: 'in-doubt', reason };
      }
      if (err.status === 429) return { kind: 'retry', reason, rateLimited: true, ...optionalDelay(rateLimitDelay(err)) };
      if (err.status === 401 || ['ExpiredToken', 'InvalidToken'].includes(err.error)) {
        // The library refreshed and retried already; a session still refused is logged in again next time.
        return agent.hasSession ? { kind: 'auth', reason } : { kind: 'retry', reason: `${reason} (session ended; logging in again)` };
      }
      if (err.status === 403) return { kind: 'auth', reason };
      const mayExist = err.status >= 500 || /exist/i.test(err.error);
      if (!mayExist) return { kind: 'permanent', reason };
      try {
        const found = await existing(agent, did, rkey, AbortSignal.timeout(15_000));
        return found ?? { kind: 'retry', reason };
      } catch {
        return { kind: 'in-doubt', reason };
      }
    }

    return {
      rules: {
        defaultTemplate: '{title}\n\n{summary}\n\n{link}\n{hashtags}',
        layouts: [
          {
            name: 'post',
            budgets: [
              { unit: 'graphemes', limit: 300, count: graphemes, prefixWeights: graphemePrefixes },
              { unit: 'bytes', limit: 3000, count: utf8Bytes, prefixWeights: utf8Prefixes },
            ],
          },
        ],
        format,
      },
      async send(rendered, sendCtx) {
        if (sendCtx.signal.aborted) return { kind: 'retry', reason: 'cancelled before sending' };
        const result = await post(rendered, recordKeyFor(sendCtx.idempotencyKey), sendCtx.resend, sendCtx.signal);
        // A session the library renewed on the way is in the store before the send counts as done.
        await sessionFor(service, identifier, password, log).saved();
        return result;
      },
    };
  },
});
