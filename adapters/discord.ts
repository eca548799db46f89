/**
 * Discord: one message per article through a channel webhook (`POST {webhookUrl}?wait=true`,
 * which answers the message and so its id), edited in place when the article is corrected
 * (`PATCH {webhookUrl}/messages/{id}`): the text as content, the article as an embed card
 * (linked title, summary, image, date).
 * The link in the content is wrapped in <…> so Discord adds no second, automatic card,
 * and `allowed_mentions` is empty so an "@everyone" in a title pings no one.
 */
import { z } from 'zod';
import { urlWithoutCredentials } from '../src/config/url.ts';
import { defineAdapter, type Part, type RenderedPost, type SendResult } from '../src/platform.ts';
import { makeRedactor, type Redactor } from '../src/redact.ts';
import { codePoints } from '../src/render/count.ts';
import { shorten } from '../src/render/shorten.ts';
import { editResultOf } from './edit-result.ts';
import { describeError, excerpt, wasNeverSent } from './http-errors.ts';
import { platformFetch } from './platform-fetch.ts';

/** Discord counts characters as code points (its API measures Python string lengths). */
export const DISCORD_LIMITS = { content: 2000, embedTitle: 256, embedDescription: 4096, embedTotal: 6000 };

const WEBHOOK_PATH = /^\/api(?:\/v\d+)?\/webhooks\/\d+\/[\w-]+\/?$/;
/** Discord's JSON error code for a message that no longer exists (deleted by hand). */
const UNKNOWN_MESSAGE = 10008;

const WEBHOOK_URL_EXPECTED =
  'expected a webhook URL like https://discord.com/api/webhooks/<id>/<token> (Server Settings → Integrations → Webhooks → Copy Webhook URL)';

const schema = z.strictObject({
  username: z.string().min(1).max(80).optional().describe("Name shown on the posts instead of the webhook's own"),
  avatarUrl: urlWithoutCredentials({ protocol: /^https?$/ }).optional().describe("Avatar shown on the posts instead of the webhook's own"),
  auth: z.strictObject({
    webhookUrl: z
      .url({ protocol: /^https?$/, abort: true, error: WEBHOOK_URL_EXPECTED })
      .refine((url) => URL.canParse(url) && WEBHOOK_PATH.test(new URL(url).pathname), { message: WEBHOOK_URL_EXPECTED }),
  }),
});

const INLINE_MARKUP = /[\\*_~`|<>[\]]/gu;
const LINE_START_MARKUP = /^([ \t]*)(#{1,3}|-#|-)(?=[ \t])/gmu;
/** "1. " starts a list; a backslash escapes only punctuation, so it goes before the dot. */
const ORDERED_LIST = /^([ \t]*\d+)\.(?=[ \t])/gmu;

/** Plain text as Discord shows it literally: markdown, masked links, mention syntax and bare URLs escaped. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(INLINE_MARKUP, '\\$&')
    .replace(LINE_START_MARKUP, '$1\\$2')
    .replace(ORDERED_LIST, '$1\\.')
    .replace(/:\/\//gu, '\\://');
}

function format(parts: Part[]): string {
  return parts
    .map((p) => {
      if (p.kind === 'literal') return p.text;
      if (p.kind === 'link') return `<${p.text}>`;
      return escapeMarkdown(p.text);
    })
    .join('');
}

/** `text` escaped, shortened first if needed so the escaped form has at most `limit` characters. */
function escapedWithin(text: string, limit: number): string {
  const fits = (candidate: string) => codePoints(escapeMarkdown(candidate)) <= limit;
  if (fits(text)) return escapeMarkdown(text);
  return escapeMarkdown(shorten(text, fits) ?? '');
}

export interface DiscordEmbed {
  title?: string;
  url: string;
  description?: string;
  image?: { url: string };
  timestamp?: string;
}

/** The card for the article: each field within Discord's limit (the two text fields together stay under 6000). */
export function embedFor(post: RenderedPost): DiscordEmbed {
  const title = escapedWithin(post.title, DISCORD_LIMITS.embedTitle);
  const description = escapedWithin(post.summary, DISCORD_LIMITS.embedDescription);
  const published = post.publishedAt === undefined ? NaN : Date.parse(post.publishedAt);
  const image = post.imageUrl !== undefined && /^https?:\/\//i.test(post.imageUrl) ? post.imageUrl : undefined;
  return {
    ...(title && { title }),
    url: post.link,
    ...(description && { description }),
    ...(image !== undefined && { image: { url: image } }),
    ...(Number.isFinite(published) && { timestamp: new Date(published).toISOString() }),
  };
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

/** What a message shows, the same when it is sent and when it is edited (omitted fields would keep their old values). */
function messageOf(post: RenderedPost) {
  return { content: post.text, embeds: [embedFor(post)], allowed_mentions: { parse: [] } };
}

/** The webhook URL to call: the configured one, on apiRoot's origin when set (a proxy or a test fake). */
function targetUrl(webhookUrl: string, apiRoot: string | undefined): URL {
  const url = new URL(webhookUrl);
  if (apiRoot) {
    const root = new URL(apiRoot);
    url.protocol = root.protocol;
    url.host = root.host;
  }
  return url;
}

interface DiscordError {
  message?: unknown;
  code?: unknown;
  retry_after?: unknown;
  errors?: unknown;
}

/** Discord's nested `errors` of an Invalid Form Body as "embeds.0.title: Must be 256 or fewer in length." lines. */
function formErrors(errors: unknown, path: string[] = []): string[] {
  if (!errors || typeof errors !== 'object') return [];
  const found: string[] = [];
  for (const [key, value] of Object.entries(errors)) {
    if (key === '_errors' && Array.isArray(value)) {
      for (const e of value as { message?: unknown }[]) {
        if (typeof e.message === 'string') found.push(`${path.join('.') || 'body'}: ${e.message}`);
      }
    } else {
      found.push(...formErrors(value, [...path, key]));
    }
  }
  return found;
}

/**
 * The guild of the webhook's channel, which message links need; read once from the webhook
 * itself when the adapter starts (undefined when that fails: posts then go without links).
 */
async function webhookGuild(webhook: URL): Promise<string | undefined> {
  try {
    const res = await platformFetch(webhook, { signal: AbortSignal.timeout(10_000) });
    const info = (await res.json()) as { guild_id?: unknown };
    return typeof info.guild_id === 'string' ? info.guild_id : undefined;
  } catch {
    return undefined;
  }
}

async function resultOf(res: Response, redact: Redactor, guildId: string | undefined): Promise<SendResult> {
  const text = await res.text();
  let body: DiscordError & { id?: unknown; channel_id?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // a proxy's page, or no body
  }
  if (res.ok) {
    if (typeof body.id !== 'string') return { kind: 'in-doubt', reason: `Discord answered HTTP ${res.status} without a message id` };
    const url =
      guildId !== undefined && typeof body.channel_id === 'string'
        ? `https://discord.com/channels/${guildId}/${body.channel_id}/${body.id}`
        : undefined;
    return { kind: 'sent', remoteId: body.id, ...(url !== undefined && { url }) };
  }
  const detail = typeof body.message === 'string' ? body.message : excerpt(text, redact, 200) || res.statusText;
  const code = typeof body.code === 'number' ? ` (${body.code})` : '';
  const fields = formErrors(body.errors);
  const reason = redact(`Discord HTTP ${res.status}: ${detail}${code}${fields.length ? `: ${fields.join('; ')}` : ''}`);
  if (res.status === 429) {
    const seconds = typeof body.retry_after === 'number' ? body.retry_after : Number(res.headers.get('retry-after'));
    return { kind: 'retry', reason, rateLimited: true, ...(Number.isFinite(seconds) && seconds >= 0 && { afterMs: Math.ceil(seconds * 1000) }) };
  }
  if (res.status === 404) {
    return { kind: 'auth', reason: `${reason} (the webhook was deleted: create a new one and set auth.webhookUrl)` };
  }
  if (res.status === 401 || res.status === 403) {
    return { kind: 'auth', reason: `${reason} (check auth.webhookUrl: copy it again from the channel's Integrations → Webhooks)` };
  }
  if (res.status === 408 || res.status >= 500) return { kind: 'retry', reason };
  return { kind: 'permanent', reason };
}

export const discordAdapter = defineAdapter({
  platform: 'discord',
  schema,
  inDoubt: 'hold',
  // Webhook answers carry X-RateLimit-Limit: 5 per 2 s (Reset-After 2); Discord also caps
  // a channel's webhook messages near 30 a minute (undocumented, widely reported).
  // discord.com/developers/docs/topics/rate-limits; birdie0.github.io/discord-webhooks-guide
  pacing: {
    windows: [
      { limit: 5, seconds: 2 },
      { limit: 30, seconds: 60 },
    ],
  },
  edit: {},
  async create(channel, ctx) {
    const webhook = targetUrl(channel.auth.webhookUrl, channel.apiRoot);
    const token = webhook.pathname.replace(/\/$/, '').split('/').pop() ?? '';
    const redact = makeRedactor([channel.auth.webhookUrl, webhook.href, token]);
    const send = new URL(webhook);
    send.searchParams.set('wait', 'true');

    const guildId = ctx.offline ? undefined : await webhookGuild(webhook);

    return {
      rules: {
        defaultTemplate: '{title}\n{link}\n{hashtags}',
        layouts: [{ name: 'message', budgets: [{ unit: 'chars', limit: DISCORD_LIMITS.content, count: codePoints }] }],
        format,
      },
      async send(post, sendCtx) {
        if (sendCtx.signal.aborted) return { kind: 'retry', reason: 'cancelled before sending' };
        const body = {
          ...messageOf(post),
          ...(channel.username !== undefined && { username: channel.username }),
          ...(channel.avatarUrl !== undefined && { avatar_url: channel.avatarUrl }),
        };
        let res: Response;
        try {
          res = await platformFetch(send, {
            method: 'POST',
            headers: JSON_HEADERS,
            body: JSON.stringify(body),
            signal: sendCtx.signal,
          });
        } catch (err) {
          const reason = redact(`Discord: ${describeError(err)}`);
          return wasNeverSent(err) ? { kind: 'retry', reason } : { kind: 'in-doubt', reason };
        }
        try {
          return await resultOf(res, redact, guildId);
        } catch (err) {
          return { kind: 'in-doubt', reason: redact(`Discord: answer cut off: ${describeError(err)}`) };
        }
      },
      async edit(remote, post, { signal }) {
        if (signal.aborted) return { kind: 'retry', reason: 'cancelled before editing' };
        const message = new URL(webhook);
        message.pathname = `${webhook.pathname.replace(/\/$/, '')}/messages/${encodeURIComponent(remote.remoteId)}`;
        let res: Response;
        try {
          res = await platformFetch(message, { method: 'PATCH', headers: JSON_HEADERS, body: JSON.stringify(messageOf(post)), signal });
        } catch (err) {
          return { kind: 'retry', reason: redact(`Discord: ${describeError(err)}`) };
        }
        try {
          if (res.status === 404) {
            const body = (await res.clone().json().catch(() => ({}))) as DiscordError;
            if (body.code === UNKNOWN_MESSAGE) return { kind: 'gone', reason: redact(`Discord HTTP 404: ${String(body.message)} (${UNKNOWN_MESSAGE})`) };
          }
          return editResultOf(await resultOf(res, redact, guildId));
        } catch (err) {
          return { kind: 'retry', reason: redact(`Discord: answer cut off: ${describeError(err)}`) };
        }
      },
    };
  },
});
