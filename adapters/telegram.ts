/**
 * Telegram: a bot posts to a channel or group through the Bot API (telegraf's send-only
 * `Telegram` client), in HTML parse mode, as a photo with a caption when the article has
 * an image, else as a message with a link preview.
 */
import http from 'node:http';
import https from 'node:https';
import { readableLink } from '../src/render/link-text.ts';
import { z } from 'zod';
import type { Telegram } from 'telegraf';
import type { Message } from 'telegraf/types';
import { defineAdapter, type EditResult, type Part, type PlatformRules, type SendResult } from '../src/platform.ts';
import { makeRedactor } from '../src/redact.ts';
import { HERALD_USER_AGENT } from '../src/version.ts';
import { editResultOf } from './edit-result.ts';
import { describeError, wasNeverSent } from './http-errors.ts';

type TelegrafModule = typeof import('telegraf');
type TelegramError = InstanceType<TelegrafModule['TelegramError']>;
/** telegraf types its signal with the old abort-controller polyfill; Node's AbortSignal is what it gets at run time. */
type CallApiOptions = NonNullable<Parameters<Telegram['callApi']>[2]>;

const DEFAULT_API_ROOT = 'https://api.telegram.org';
const CAPTION_LIMIT = 1024;
const MESSAGE_LIMIT = 4096;
/** sendPhoto refusals that mean Telegram could not use the image URL: the text alone still goes out. */
const UNUSABLE_PHOTO =
  /wrong file identifier|failed to get HTTP URL content|wrong type of the web page content|IMAGE_PROCESS_FAILED|PHOTO_INVALID_DIMENSIONS/i;
/** Edit refusals: the message already shows this text; the message was deleted; a photo post that went out as a message. */
const NOT_MODIFIED = /message is not modified/i;
const MESSAGE_GONE = /message to edit not found|MESSAGE_ID_INVALID/i;
const NO_CAPTION = /there is no caption in the message to edit/i;

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

const ENTITY_TEXT: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"' };

/**
 * What Telegram counts against its limits: UTF-16 code units of the text after entity
 * parsing (tags removed, entities decoded). Only for text made by `formatHtml`, which
 * escapes every `<`, `>`, `&` and `"` it does not put there as markup.
 */
function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, '').replace(/&(?:lt|gt|amp|quot);/g, (entity) => ENTITY_TEXT[entity]!).length;
}

/**
 * Everything escaped; the title bold and linked to the article, the link itself shown as a
 * link too, its text without the UTM tags the target keeps. A template with neither {title} nor {link} still gets the link, at the end.
 */
function formatHtml(parts: Part[], post: { link: string }): string {
  const linked = (text: string) => `<a href="${escapeAttribute(post.link)}">${escapeText(text)}</a>`;
  const html = parts
    .map((p) => (p.kind === 'title' ? `<b>${linked(p.text)}</b>` : p.kind === 'link' ? linked(readableLink(p.text)) : escapeText(p.text)))
    .join('');
  if (parts.some((p) => p.kind === 'title' || p.kind === 'link')) return html;
  return html ? `${html}\n\n${linked(readableLink(post.link))}` : linked(readableLink(post.link));
}

const rules: PlatformRules = {
  // {link} stays in the default although the title already links to the article: in a
  // photo caption there is no preview card, and a bold title does not look like a link in
  // every client, while a visible URL does everywhere. It costs ~100 of 1024 characters.
  defaultTemplate: '{title}\n\n{summary}\n\n{link}\n{hashtags}',
  layouts: [
    { name: 'photo', needsImage: true, budgets: [{ unit: 'UTF-16', limit: CAPTION_LIMIT, count: visibleLength }] },
    { name: 'message', budgets: [{ unit: 'UTF-16', limit: MESSAGE_LIMIT, count: visibleLength }] },
  ],
  format: formatHtml,
};

const schema = z.strictObject({
  chatId: z
    .union([
      z.string().regex(/^(@[A-Za-z][A-Za-z0-9_]{3,}|-?\d+)$/, 'use "@channelname" or the numeric chat id (e.g. -1001234567890)'),
      z.number().int(),
    ])
    .describe('The channel or group: "@channelname", or its numeric id; the bot must be an administrator allowed to post'),
  auth: z.strictObject({
    botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'a bot token looks like "123456789:AAE…", as given by @BotFather'),
  }),
  linkPreview: z.boolean().default(true).describe('Show the article preview under a text message'),
  silent: z.boolean().default(false).describe('Post without a notification sound'),
});

/** telegraf resolves method URLs relative to the root, so a root with a path needs its trailing slash. */
function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function errorOutcome(err: TelegramError, chatId: string | number): SendResult {
  const { code, description } = err;
  if (code === 429) {
    const seconds = err.parameters?.retry_after;
    return {
      kind: 'retry',
      rateLimited: true,
      reason: `Telegram rate limit reached: ${description}`,
      ...(seconds !== undefined && { afterMs: seconds * 1000 }),
    };
  }
  if (code === 401 || code === 404) {
    return { kind: 'auth', reason: `Telegram refused the bot token (${code}: ${description}); check auth.botToken and apiRoot` };
  }
  if (code === 403) {
    return {
      kind: 'auth',
      reason: `Telegram refused to post in ${chatId} (${description}); make the bot an administrator of the chat allowed to post messages`,
    };
  }
  if (code >= 500) return { kind: 'retry', reason: `Telegram failed (${code}: ${description})` };
  const movedTo = err.parameters?.migrate_to_chat_id;
  const hint = movedTo === undefined ? '' : `; set chatId to ${movedTo}`;
  return { kind: 'permanent', reason: `Telegram refused the post (${code}): ${description}${hint}` };
}

/** Node calls an agent's `addRequest` with each request before its headers go out (untyped in @types/node). */
type RequestAgent = http.Agent & { addRequest(req: http.ClientRequest, options: object): void };

/**
 * A keep-alive agent that names Herald in the User-Agent: telegraf takes no headers, and its
 * node-fetch sends its own name, but every request passes through the agent.
 */
function heraldAgent(apiRoot: string): http.Agent {
  const agent = (apiRoot.startsWith('http:') ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true })) as RequestAgent;
  const addRequest = agent.addRequest.bind(agent);
  agent.addRequest = (req, options) => {
    req.setHeader('user-agent', HERALD_USER_AGENT);
    addRequest(req, options);
  };
  return agent;
}

function failureOutcome(lib: TelegrafModule, err: unknown, signal: AbortSignal, chatId: string | number, apiRoot: string): SendResult {
  if (err instanceof lib.TelegramError) return errorOutcome(err, chatId);
  if (signal.aborted) {
    return { kind: 'in-doubt', reason: 'Telegram did not answer before the send was abandoned; the post may have been published' };
  }
  if (wasNeverSent(err)) return { kind: 'retry', reason: `Telegram could not be reached at ${apiRoot}: ${describeError(err)}` };
  return { kind: 'in-doubt', reason: `the exchange with Telegram failed after sending: ${describeError(err)}` };
}

function editFailure(lib: TelegrafModule, err: unknown, signal: AbortSignal, chatId: string | number, apiRoot: string): EditResult {
  if (err instanceof lib.TelegramError && err.code === 400) {
    if (NOT_MODIFIED.test(err.description)) return { kind: 'edited', detail: `Telegram: ${err.description}` };
    if (MESSAGE_GONE.test(err.description)) return { kind: 'gone', reason: `Telegram: ${err.description}` };
  }
  if (signal.aborted) return { kind: 'retry', reason: 'Telegram did not answer before the edit was abandoned' };
  return editResultOf(failureOutcome(lib, err, signal, chatId, apiRoot));
}

/** Where a message can be opened: public chats only (those with a username). */
function messageUrl(message: Message, chatId: string | number): string | undefined {
  const username =
    ('username' in message.chat ? message.chat.username : undefined) ??
    (typeof chatId === 'string' && chatId.startsWith('@') ? chatId.slice(1) : undefined);
  return username ? `https://t.me/${username}/${message.message_id}` : undefined;
}

/** Posts to a Telegram channel or group as a bot. */
export const telegramAdapter = defineAdapter({
  platform: 'telegram',
  schema,
  inDoubt: 'hold',
  pacing: { windows: [{ limit: 20, seconds: 60 }], minIntervalSeconds: 1 },
  edit: {},
  async create(channel, ctx) {
    // Offline (a dry run, preview) nothing is sent: telegraf is not even loaded.
    if (ctx.offline) return { rules, send: () => Promise.reject(new Error('offline: nothing is sent')) };
    const lib = await import('telegraf');
    const apiRoot = withTrailingSlash(channel.apiRoot ?? DEFAULT_API_ROOT);
    // Send-only: nothing polls for updates unless a Telegraf bot is launched, which Herald never does.
    const telegram: Telegram = new lib.Telegram(channel.auth.botToken, { apiRoot });
    // Set after construction: telegraf drops any agent given for an http: apiRoot (a local Bot API server).
    telegram.options.agent = heraldAgent(apiRoot);
    const redact = makeRedactor([channel.auth.botToken]);
    const log = ctx.logger.child({ channel: channel.id, platform: 'telegram' });
    const { chatId } = channel;
    const common = { chat_id: chatId, parse_mode: 'HTML' as const, disable_notification: channel.silent };

    const sent = (message: Message): SendResult => {
      const url = messageUrl(message, chatId);
      return { kind: 'sent', remoteId: String(message.message_id), ...(url && { url }) };
    };

    return {
      rules,
      async send(post, { signal }) {
        if (signal.aborted) return { kind: 'retry', reason: 'the send was cancelled before it started' };
        const abortable = { signal } as unknown as CallApiOptions;
        try {
          if (post.layout === 'photo' && post.imageUrl) {
            try {
              return sent(await telegram.callApi('sendPhoto', { ...common, photo: post.imageUrl, caption: post.text }, abortable));
            } catch (err) {
              if (!(err instanceof lib.TelegramError && err.code === 400 && UNUSABLE_PHOTO.test(err.description))) throw err;
              log.warn({ imageUrl: post.imageUrl, reason: redact(err.description) }, 'Telegram could not use the image; sending the text alone');
            }
          }
          // A caption that fit 1024 fits a message's 4096.
          const message = await telegram.callApi(
            'sendMessage',
            { ...common, text: post.text, link_preview_options: { url: post.link, is_disabled: !channel.linkPreview } },
            abortable,
          );
          return sent(message);
        } catch (err) {
          const result = failureOutcome(lib, err, signal, chatId, apiRoot);
          return 'reason' in result ? { ...result, reason: redact(result.reason) } : result;
        }
      },
      async edit(remote, post, { signal }) {
        if (signal.aborted) return { kind: 'retry', reason: 'the edit was cancelled before it started' };
        const abortable = { signal } as unknown as CallApiOptions;
        const target = { chat_id: chatId, message_id: Number(remote.remoteId), parse_mode: 'HTML' as const };
        const editText = () =>
          telegram.callApi(
            'editMessageText',
            { ...target, text: post.text, link_preview_options: { url: post.link, is_disabled: !channel.linkPreview } },
            abortable,
          );
        try {
          if (post.layout !== 'photo') await editText();
          else {
            try {
              await telegram.callApi('editMessageCaption', { ...target, caption: post.text }, abortable);
            } catch (err) {
              // Telegram could not use the image when the post was sent: it went out as a message.
              if (!(err instanceof lib.TelegramError && NO_CAPTION.test(err.description))) throw err;
              await editText();
            }
          }
          return { kind: 'edited' };
        } catch (err) {
          const result = editFailure(lib, err, signal, chatId, apiRoot);
          if ('reason' in result) return { ...result, reason: redact(result.reason) };
          return result.detail === undefined ? result : { ...result, detail: redact(result.detail) };
        }
      },
    };
  },
});
