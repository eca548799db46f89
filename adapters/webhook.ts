/**
 * Generic webhook: each post is POSTed as JSON to the channel's `url`, signed with
 * HMAC-SHA256 so any other system can take Herald's posts and check they came from
 * Herald. docs/platforms/webhook.md is the receiver's contract (body, headers, signature).
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { defineAdapter, type RenderedPost, type SendResult } from '../src/platform.ts';
import { makeRedactor, type Redactor } from '../src/redact.ts';
import { codePoints } from '../src/render/count.ts';
import { describeError, excerpt, retryAfterMs, wasNeverSent } from './http-errors.ts';
import { platformFetch } from './platform-fetch.ts';

export const WEBHOOK_EVENT = 'article.published';
export const SIGNATURE_HEADER = 'x-herald-signature';
export const TIMESTAMP_HEADER = 'x-herald-timestamp';

const schema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).describe('Where each post is POSTed as JSON'),
  maxCharacters: z.number().int().positive().max(1_000_000, 'at most 1000000').default(10_000).describe('Longest post text, in characters (code points)'),
  auth: z.strictObject({
    secret: z
      .string()
      .min(16, 'use at least 16 characters, e.g. the output of `openssl rand -hex 32`')
      .describe('HMAC-SHA256 key the receiver uses to check X-Herald-Signature'),
  }),
});

/** The JSON body of one delivery. */
export interface WebhookPayload {
  event: typeof WEBHOOK_EVENT;
  /** Stable across attempts of the same delivery (also sent as Idempotency-Key): receivers deduplicate on it. */
  deliveryId: string;
  channel: string;
  article: Partial<NonNullable<RenderedPost['source']>> & {
    title: string;
    summary: string;
    /** With the channel's UTM tags. */
    link: string;
    hashtags: string[];
    imageUrl?: string;
    publishedAt?: string;
  };
  post: { text: string; layout: string; shortened: boolean };
}

export function payloadFor(post: RenderedPost, channelId: string, deliveryId: string): WebhookPayload {
  return {
    event: WEBHOOK_EVENT,
    deliveryId,
    channel: channelId,
    article: {
      ...post.source,
      title: post.title,
      summary: post.summary,
      link: post.link,
      hashtags: post.hashtags,
      ...(post.imageUrl !== undefined && { imageUrl: post.imageUrl }),
      ...(post.publishedAt !== undefined && { publishedAt: post.publishedAt }),
    },
    post: { text: post.text, layout: post.layout, shortened: post.shortened },
  };
}

/** `sha256=` and the hex HMAC-SHA256, keyed with the secret, of `<timestamp>.<raw body>`. */
export function signature(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

function withDelay(afterMs: number | undefined): { afterMs?: number } {
  return afterMs === undefined ? {} : { afterMs };
}

async function resultOf(res: Response, deliveryId: string, redact: Redactor): Promise<SendResult> {
  const text = await res.text();
  if (res.ok) {
    let id: unknown;
    try {
      id = (JSON.parse(text) as { id?: unknown }).id;
    } catch {
      // any 2xx body will do
    }
    return { kind: 'sent', remoteId: typeof id === 'string' || typeof id === 'number' ? String(id) : deliveryId };
  }
  const reason = redact(`webhook HTTP ${res.status}: ${excerpt(text, redact) || res.statusText}`);
  const afterMs = retryAfterMs(res.headers);
  if (res.status === 429) return { kind: 'retry', reason, rateLimited: true, ...withDelay(afterMs) };
  if (res.status === 408 || res.status >= 500) return { kind: 'retry', reason, ...withDelay(afterMs) };
  if (res.status === 410) return { kind: 'auth', reason: `${reason} (the receiver is gone: fix url, then resume the channel)` };
  if (res.status === 401 || res.status === 403) {
    return { kind: 'auth', reason: `${reason} (the receiver refused the signature: check auth.secret on both sides)` };
  }
  if (res.status >= 300 && res.status < 400) {
    return { kind: 'permanent', reason: redact(`webhook HTTP ${res.status}: moved to ${res.headers.get('location') ?? '?'} (set url to the new address)`) };
  }
  return { kind: 'permanent', reason };
}

export const webhookAdapter = defineAdapter({
  platform: 'webhook',
  schema,
  inDoubt: 'resend',
  async create(channel) {
    const target = new URL(channel.url);
    // fetch refuses a URL with credentials: they go as HTTP Basic auth, and out of every message.
    const basicAuth = basicAuthOf(target);
    target.username = '';
    target.password = '';
    if (channel.apiRoot) {
      const root = new URL(channel.apiRoot);
      target.protocol = root.protocol;
      target.host = root.host;
    }
    const secret = channel.auth.secret;
    const redact = makeRedactor([secret, ...(basicAuth ? [basicAuth.password, basicAuth.header] : [])]);
    return {
      rules: {
        defaultTemplate: '{title}\n\n{summary}\n\n{link}\n{hashtags}',
        layouts: [{ name: 'text', budgets: [{ unit: 'chars', limit: channel.maxCharacters, count: codePoints }] }],
      },
      async send(post, ctx) {
        if (ctx.signal.aborted) return { kind: 'retry', reason: 'cancelled before sending' };
        const body = JSON.stringify(payloadFor(post, channel.id, ctx.idempotencyKey));
        const timestamp = String(Math.floor(Date.now() / 1000));
        let res: Response;
        try {
          res = await platformFetch(target, {
            method: 'POST',
            redirect: 'manual',
            headers: {
              'content-type': 'application/json',
              ...(basicAuth && { authorization: basicAuth.header }),
              'idempotency-key': ctx.idempotencyKey,
              'x-herald-event': WEBHOOK_EVENT,
              'x-herald-delivery': ctx.idempotencyKey,
              [TIMESTAMP_HEADER]: timestamp,
              [SIGNATURE_HEADER]: signature(secret, timestamp, body),
            },
            body,
            signal: ctx.signal,
          });
        } catch (err) {
          const reason = redact(`webhook: ${describeError(err)}`);
          return wasNeverSent(err) ? { kind: 'retry', reason } : { kind: 'in-doubt', reason };
        }
        try {
          return await resultOf(res, ctx.idempotencyKey, redact);
        } catch (err) {
          return { kind: 'in-doubt', reason: redact(`webhook: answer cut off: ${describeError(err)}`) };
        }
      },
    };
  },
});

function basicAuthOf(url: URL): { header: string; password: string } | undefined {
  if (!url.username && !url.password) return undefined;
  const password = decodeURIComponent(url.password);
  const credentials = `${decodeURIComponent(url.username)}:${password}`;
  return { header: `Basic ${Buffer.from(credentials).toString('base64')}`, password };
}
