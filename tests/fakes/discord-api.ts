/**
 * Discord's webhook endpoints on 127.0.0.1: `POST /api[/vN]/webhooks/:id/:token` (200 with
 * the message under `?wait=true`, else 204), `PATCH …/messages/:message_id` (edit; 404
 * Unknown Message, 10008, once deleted), `GET` of the webhook (its guild and channel),
 * Discord's message limits answered as "Invalid Form Body" (50035), and a webhook that
 * can be deleted (→ 404 Unknown Webhook, 10015).
 */
import { startFake, type FakeRequest, type FakeResponse, type HttpFake } from '../helpers/http-fake.ts';

export const WEBHOOK_ID = '1234567890123456789';
export const GUILD_ID = '1100000000000000001';
export const CHANNEL_ID = '1100000000000000002';

export interface AcceptedMessage {
  id: string;
  body: Record<string, unknown>;
  query: URLSearchParams;
  request: FakeRequest;
}

export interface EditedMessage {
  id: string;
  /** The PATCH body exactly as received. */
  body: Record<string, unknown>;
  request: FakeRequest;
}

export type DiscordOverride = (req: FakeRequest) => FakeResponse | 'hang' | undefined;

export interface DiscordFake {
  url: string;
  fake: HttpFake;
  /** The webhook URL to configure (its origin is the fake's). */
  webhookUrl: string;
  token: string;
  /** Messages posted, in order. */
  posts: AcceptedMessage[];
  /** Edits that changed a message, in order; each also applies its fields to the message's `body` in `posts`. An identical one changes nothing. */
  edits: EditedMessage[];
  /** The message is deleted in the channel (as by hand): editing it answers 404 Unknown Message. */
  deleteMessage(id: string): void;
  /** The webhook is deleted: every call answers 404 Unknown Webhook from now on. */
  deleteWebhook(): void;
  /** Answers the next POST or PATCH to the webhook with `handler`; undefined falls through. */
  respondNext(handler: DiscordOverride): void;
  close(): Promise<void>;
}

const WEBHOOK_PATH = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/([\w-]+)(?:\/messages\/(\d+))?\/?$/;

const codePoints = (s: string) => [...s].length;

type FieldErrors = Record<string, unknown>;

function fieldError(errors: FieldErrors, path: string[], code: string, message: string): void {
  let node = errors;
  for (const key of path) node = (node[key] ??= {}) as FieldErrors;
  ((node._errors ??= []) as unknown[]).push({ code, message });
}

/** Discord's checks on an execute-webhook body, as its nested `errors` object (empty when valid). */
function validate(body: Record<string, unknown>): FieldErrors {
  const errors: FieldErrors = {};
  const content = typeof body.content === 'string' ? body.content : '';
  if (codePoints(content) > 2000) fieldError(errors, ['content'], 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  const embeds = Array.isArray(body.embeds) ? (body.embeds as Record<string, unknown>[]) : [];
  if (embeds.length > 10) fieldError(errors, ['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  let total = 0;
  embeds.forEach((embed, i) => {
    const title = typeof embed.title === 'string' ? embed.title : '';
    const description = typeof embed.description === 'string' ? embed.description : '';
    total += codePoints(title) + codePoints(description);
    if (codePoints(title) > 256) fieldError(errors, ['embeds', String(i), 'title'], 'BASE_TYPE_MAX_LENGTH', 'Must be 256 or fewer in length.');
    if (codePoints(description) > 4096) {
      fieldError(errors, ['embeds', String(i), 'description'], 'BASE_TYPE_MAX_LENGTH', 'Must be 4096 or fewer in length.');
    }
    for (const [key, url] of [['url', embed.url], ['image', (embed.image as { url?: unknown } | undefined)?.url]] as const) {
      if (url !== undefined && (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url))) {
        fieldError(errors, ['embeds', String(i), key], 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
      }
    }
    if (embed.timestamp !== undefined && Number.isNaN(Date.parse(String(embed.timestamp)))) {
      fieldError(errors, ['embeds', String(i), 'timestamp'], 'DATE_TYPE_PARSE', 'Could not parse timestamp.');
    }
  });
  if (total > 6000) fieldError(errors, ['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
  return errors;
}

/** The message object Discord answers for a webhook message. */
function messageOf(id: string, body: Record<string, unknown>) {
  return {
    id,
    type: 0,
    content: typeof body.content === 'string' ? body.content : '',
    channel_id: CHANNEL_ID,
    author: { id: WEBHOOK_ID, username: typeof body.username === 'string' ? body.username : 'Herald', avatar: null, bot: true },
    attachments: [],
    embeds: Array.isArray(body.embeds) ? body.embeds : [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    flags: 0,
    components: [],
    webhook_id: WEBHOOK_ID,
  };
}

export async function startDiscordFake(token = 'fake-webhook-token_ABCdef-123'): Promise<DiscordFake> {
  const fake = await startFake();
  const posts: AcceptedMessage[] = [];
  const edits: EditedMessage[] = [];
  const deletedMessages = new Set<string>();
  let deleted = false;
  let override: DiscordOverride | undefined;
  let nextId = 1_200_000_000_000_000_000n;

  fake.fallback((req) => {
    const match = WEBHOOK_PATH.exec(req.path);
    if (!match) return { status: 404, body: { message: '404: Not Found', code: 0 } };
    if (deleted || match[1] !== WEBHOOK_ID) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    if (match[2] !== token) return { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } };
    const messageId = match[3];
    if (req.method === 'GET' && messageId === undefined) {
      return { body: { id: WEBHOOK_ID, type: 1, guild_id: GUILD_ID, channel_id: CHANNEL_ID, name: 'Herald', avatar: null, token } };
    }
    if (req.method !== (messageId === undefined ? 'POST' : 'PATCH')) return { status: 405, body: { message: '405: Method Not Allowed', code: 0 } };
    if (override) {
      const handler = override;
      override = undefined;
      const answer = handler(req);
      if (answer === 'hang') return undefined;
      if (answer) return answer;
    }
    const body = (req.json ?? {}) as Record<string, unknown>;
    if (messageId !== undefined) return edit(messageId, body, req);
    const content = typeof body.content === 'string' ? body.content : '';
    const embeds = Array.isArray(body.embeds) ? body.embeds : [];
    if (!content && embeds.length === 0) return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
    const errors = validate(body);
    if (Object.keys(errors).length > 0) return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors } };
    const id = String(nextId++);
    posts.push({ id, body, query: req.query, request: req });
    if (req.query.get('wait') !== 'true') return { status: 204 };
    return { body: messageOf(id, body) };
  });

  function edit(id: string, patch: Record<string, unknown>, req: FakeRequest): FakeResponse {
    const message = posts.find((p) => p.id === id);
    if (!message || deletedMessages.has(id)) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
    const body = { ...message.body, ...patch };
    const errors = validate(body);
    if (Object.keys(errors).length > 0) return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors } };
    const changed = JSON.stringify(body) !== JSON.stringify(message.body);
    message.body = body;
    if (changed) edits.push({ id, body: patch, request: req });
    return { body: { ...messageOf(id, body), edited_timestamp: new Date().toISOString() } };
  }

  return {
    url: fake.url,
    fake,
    webhookUrl: `https://discord.com/api/webhooks/${WEBHOOK_ID}/${token}`,
    token,
    posts,
    edits,
    deleteMessage: (id) => void deletedMessages.add(id),
    deleteWebhook: () => {
      deleted = true;
    },
    respondNext(handler) {
      override = handler;
    },
    close: () => fake.close(),
  };
}
