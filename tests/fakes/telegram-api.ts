/**
 * A stateful stand-in for the Telegram Bot API on 127.0.0.1: POST /bot<token>/sendMessage
 * and /sendPhoto, /editMessageText and /editMessageCaption of the messages it holds, answering {ok, result} or {ok: false, error_code, description}. HTML
 * parse mode is checked with the strict validator and limits are counted as Telegram
 * counts them. A photo URL on this machine (127.0.0.1, localhost) is fetched as Telegram
 * would fetch it; any other photo URL is taken as reachable, without network access.
 */
import { parseTelegramHtml } from '../helpers/telegram-html.ts';
import { startFake, type FakeRequest, type FakeResponse, type HttpFake } from '../helpers/http-fake.ts';

export interface TelegramMessage {
  method: 'sendMessage' | 'sendPhoto';
  chatId: string;
  /** The text or caption exactly as sent (markup included). */
  text: string;
  photo?: string;
  parseMode?: string;
  messageId: number;
}

/** One accepted edit: the message's new text or caption, exactly as sent. */
export interface TelegramEdit {
  method: 'editMessageText' | 'editMessageCaption';
  chatId: string;
  messageId: number;
  text: string;
}

/** Answers one request in place of the fake: a response, 'hang' (never answer), or undefined (let the fake answer). */
export type TelegramOverride = (req: FakeRequest) => FakeResponse | 'hang' | undefined;

export interface TelegramFake {
  url: string;
  fake: HttpFake;
  /** Messages posted, in order. */
  messages: TelegramMessage[];
  /** Edits accepted, in order; each also updates its message's `text` in `messages`. */
  edits: TelegramEdit[];
  /** The message is deleted in the chat (as by hand): editing it answers "message to edit not found". */
  deleteMessage(messageId: number): void;
  /** Overrides the answer to the next send or edit (queued: one handler per request). */
  respondNext(handler: TelegramOverride): void;
  close(): Promise<void>;
}

const MESSAGE_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const CHANNEL_ID = -1_001_234_567_890;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A Bot API error answer. */
export function telegramError(errorCode: number, description: string, parameters?: object): FakeResponse {
  return { status: errorCode, body: { ok: false, error_code: errorCode, description, ...(parameters && { parameters }) } };
}

const badRequest = (description: string) => telegramError(400, `Bad Request: ${description}`);

function chatOf(chatId: string) {
  return chatId.startsWith('@')
    ? { id: CHANNEL_ID, title: 'Herald test channel', username: chatId.slice(1), type: 'channel' }
    : { id: Number(chatId), title: 'Herald test channel', type: 'channel' };
}

/** What Telegram answers when it cannot use a photo URL; undefined when the photo is fine. */
async function photoProblem(photo: string): Promise<FakeResponse | undefined> {
  let url: URL;
  try {
    url = new URL(photo);
  } catch {
    return badRequest('wrong file identifier/HTTP URL specified');
  }
  if (!/^https?:$/.test(url.protocol)) return badRequest('wrong file identifier/HTTP URL specified');
  if (!LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const type = res.headers.get('content-type') ?? '';
    await res.arrayBuffer();
    if (!res.ok) return badRequest('failed to get HTTP URL content');
    if (!type.startsWith('image/')) return badRequest('wrong type of the web page content');
    return undefined;
  } catch {
    return badRequest('failed to get HTTP URL content');
  }
}

function payloadOf(req: FakeRequest): Record<string, unknown> {
  if (req.json && typeof req.json === 'object') return req.json as Record<string, unknown>;
  return Object.fromEntries(req.form ?? []);
}

/** The visible text of Telegram HTML, or the Bad Request it earns. */
function visibleText(text: string, parseMode: string | undefined): { ok: true; visible: string } | { ok: false; answer: FakeResponse } {
  if (parseMode !== undefined && parseMode !== 'HTML') return { ok: false, answer: badRequest(`unsupported parse_mode in this fake: ${parseMode}`) };
  const parsed = parseMode === 'HTML' ? parseTelegramHtml(text) : { ok: true as const, text, links: [] };
  if (!parsed.ok) return { ok: false, answer: badRequest(`can't parse entities: ${parsed.error}`) };
  return { ok: true, visible: parsed.text.trim() };
}

const SEND_METHODS = new Set(['sendMessage', 'sendPhoto']);
const EDIT_METHODS = new Set(['editMessageText', 'editMessageCaption']);

export async function startTelegramFake(token: string): Promise<TelegramFake> {
  const fake = await startFake();
  const messages: TelegramMessage[] = [];
  const edits: TelegramEdit[] = [];
  const deleted = new Set<number>();
  const overrides: TelegramOverride[] = [];
  let nextMessageId = 101;

  async function send(method: TelegramMessage['method'], req: FakeRequest): Promise<FakeResponse> {
    const p = payloadOf(req);
    if (p.chat_id === undefined || p.chat_id === '') return badRequest('chat_id is empty');
    const chatId = String(p.chat_id);
    const raw = method === 'sendMessage' ? p.text : p.caption;
    const text = typeof raw === 'string' ? raw : '';
    const parseMode = typeof p.parse_mode === 'string' ? p.parse_mode : undefined;
    const parsed = visibleText(text, parseMode);
    if (!parsed.ok) return parsed.answer;
    const { visible } = parsed;
    if (method === 'sendMessage') {
      if (!visible) return badRequest('message text is empty');
      if (visible.length > MESSAGE_LIMIT) return badRequest('message is too long');
    } else {
      if (typeof p.photo !== 'string' || !p.photo) return badRequest('there is no photo in the request');
      if (visible.length > CAPTION_LIMIT) return badRequest('message caption is too long');
      const problem = await photoProblem(p.photo);
      if (problem) return problem;
    }
    const message: TelegramMessage = {
      method,
      chatId,
      text,
      ...(method === 'sendPhoto' && { photo: p.photo as string }),
      ...(parseMode !== undefined && { parseMode }),
      messageId: nextMessageId++,
    };
    messages.push(message);
    const content =
      method === 'sendMessage'
        ? { text: visible }
        : {
            photo: [{ file_id: `photo-${message.messageId}`, file_unique_id: `u${message.messageId}`, width: 1280, height: 720 }],
            ...(visible && { caption: visible }),
          };
    return {
      body: {
        ok: true,
        result: { message_id: message.messageId, chat: chatOf(chatId), date: Math.floor(Date.now() / 1000), ...content },
      },
    };
  }

  function edit(method: TelegramEdit['method'], req: FakeRequest): FakeResponse {
    const p = payloadOf(req);
    const chatId = String(p.chat_id ?? '');
    const messageId = Number(p.message_id);
    const message = messages.find((m) => m.chatId === chatId && m.messageId === messageId);
    if (!message || deleted.has(messageId)) return badRequest('message to edit not found');
    const isPhoto = message.method === 'sendPhoto';
    if (method === 'editMessageCaption' && !isPhoto) return badRequest('there is no caption in the message to edit');
    if (method === 'editMessageText' && isPhoto) return badRequest('there is no text in the message to edit');
    const raw = method === 'editMessageText' ? p.text : p.caption;
    const text = typeof raw === 'string' ? raw : '';
    const parsed = visibleText(text, typeof p.parse_mode === 'string' ? p.parse_mode : undefined);
    if (!parsed.ok) return parsed.answer;
    if (method === 'editMessageText' && !parsed.visible) return badRequest('message text is empty');
    if (parsed.visible.length > (isPhoto ? CAPTION_LIMIT : MESSAGE_LIMIT)) return badRequest(isPhoto ? 'message caption is too long' : 'message is too long');
    if (text === message.text) {
      return badRequest(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    message.text = text;
    edits.push({ method, chatId, messageId, text });
    const content = isPhoto ? { caption: parsed.visible } : { text: parsed.visible };
    return {
      body: {
        ok: true,
        result: { message_id: messageId, chat: chatOf(chatId), date: 0, edit_date: Math.floor(Date.now() / 1000), ...content },
      },
    };
  }

  fake.fallback(async (req) => {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.path);
    if (!m) return telegramError(404, 'Not Found');
    const [, requestToken, method = ''] = m;
    const isSend = SEND_METHODS.has(method);
    const isEdit = EDIT_METHODS.has(method);
    if (isSend || isEdit) {
      const override = overrides.shift()?.(req);
      if (override === 'hang') return undefined;
      if (override) return override;
    }
    if (requestToken !== token) return telegramError(401, 'Unauthorized');
    if (req.method !== 'POST' || !(isSend || isEdit)) return telegramError(404, 'Not Found');
    return isSend ? send(method as TelegramMessage['method'], req) : edit(method as TelegramEdit['method'], req);
  });

  return {
    url: fake.url,
    fake,
    messages,
    edits,
    deleteMessage(messageId) {
      deleted.add(messageId);
    },
    respondNext(handler) {
      overrides.push(handler);
    },
    close: () => fake.close(),
  };
}
