/**
 * A system taking Herald's webhook posts on 127.0.0.1, written from docs/platforms/webhook.md:
 * it checks X-Herald-Signature (HMAC-SHA256 of "<X-Herald-Timestamp>.<raw body>") with a
 * constant-time compare, refuses a bad one with 401, and keeps one post per Idempotency-Key.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { startFake, type FakeRequest, type FakeResponse, type HttpFake } from '../helpers/http-fake.ts';

export const RECEIVER_PATH = '/hooks/herald';

export interface ReceivedPost {
  id: string;
  /** The parsed JSON body. */
  payload: Record<string, unknown>;
  /** The body exactly as received (what the signature covers, after the timestamp). */
  raw: string;
  request: FakeRequest;
}

export type WebhookOverride = (req: FakeRequest) => FakeResponse | 'hang' | undefined;

export interface WebhookReceiverFake {
  url: string;
  fake: HttpFake;
  /** The address to configure as the channel's `url`. */
  endpoint: string;
  /** Posts accepted, one per Idempotency-Key. */
  posts: ReceivedPost[];
  /** Answers the next request with `handler`; undefined falls through. */
  respondNext(handler: WebhookOverride): void;
  close(): Promise<void>;
}

function header(req: FakeRequest, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

export function signatureValid(secret: string, req: FakeRequest): boolean {
  const timestamp = header(req, 'x-herald-timestamp');
  const given = header(req, 'x-herald-signature');
  if (!timestamp || !given?.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(timestamp).update('.').update(req.body).digest();
  const actual = Buffer.from(given.slice('sha256='.length), 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export async function startWebhookReceiverFake(secret: string): Promise<WebhookReceiverFake> {
  const fake = await startFake();
  const posts: ReceivedPost[] = [];
  const byKey = new Map<string, ReceivedPost>();
  let override: WebhookOverride | undefined;

  fake.route('POST', RECEIVER_PATH, (req) => {
    if (override) {
      const handler = override;
      override = undefined;
      const answer = handler(req);
      if (answer === 'hang') return undefined;
      if (answer) return answer;
    }
    if (!signatureValid(secret, req)) return { status: 401, body: { error: 'signature does not match' } };
    if (!req.json || typeof req.json !== 'object') return { status: 400, body: { error: 'expected a JSON object' } };
    const key = header(req, 'idempotency-key');
    const earlier = key === undefined ? undefined : byKey.get(key);
    if (earlier) return { body: { id: earlier.id, duplicate: true } };
    const post: ReceivedPost = { id: `rcv-${posts.length + 1}`, payload: req.json as Record<string, unknown>, raw: req.text, request: req };
    posts.push(post);
    if (key !== undefined) byKey.set(key, post);
    return { status: 201, body: { id: post.id } };
  });

  return {
    url: fake.url,
    fake,
    endpoint: `${fake.url}${RECEIVER_PATH}`,
    posts,
    respondNext(handler) {
      override = handler;
    },
    close: () => fake.close(),
  };
}
