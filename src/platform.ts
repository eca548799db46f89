/**
 * The contract between the core and the adapters. The core never imports a platform
 * client library; an adapter declares its rules as data here and the core does the
 * rendering, fitting, bookkeeping and retrying.
 */
import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Article } from './article.ts';
import type { ChannelCredentials } from './auth/channel-credentials.ts';
import type { TokenGrant } from './auth/oauth-tokens.ts';
import type { ChannelBase } from './config/channel-base.ts';

/** One length rule a post must satisfy, counted in the platform's own unit. */
export interface Budget {
  /** Shown in previews: "weighted", "UTF-16", "graphemes", "bytes", "chars". */
  unit: string;
  limit: number;
  /** Counts the final text exactly as it will be sent (markup included). */
  count(text: string): number;
  /**
   * Optional; with it a post is fitted at about the cost of one `count` instead of one per
   * attempt. For plain text going into a post (a title, a summary, a template's literal
   * text), the least each prefix can add to `count`: element i for `text.slice(0, i)`,
   * never decreasing, never more than the prefix adds wherever it stands in a post (a link
   * or a mention may add less) and exact for ordinary words; `text.length + 1` elements.
   */
  prefixWeights?(text: string): ArrayLike<number>;
  /**
   * Optional, beside `prefixWeights`: the least the link adds to `count` wherever it
   * stands in a post. Without it, that is found by counting a post of the link alone.
   */
  linkWeight?(link: string): number;
}

/**
 * A way of posting. The core tries the layouts in order and uses the first one the post
 * fits without shortening; when none does, the last one, shortened to fit.
 * Telegram: [photo with caption ≤ 1024 (needs an image), message ≤ 4096].
 */
export interface Layout {
  name: string;
  budgets: Budget[];
  needsImage?: boolean;
}

export type PartKind = 'literal' | 'title' | 'summary' | 'link' | 'hashtags' | 'author' | 'categories';

/** A piece of the filled-in template: plain text, not yet escaped. */
export interface Part {
  kind: PartKind;
  text: string;
}

export interface PlatformRules {
  /** Used when the channel sets no `template`. */
  defaultTemplate: string;
  layouts: Layout[];
  /**
   * Turns the filled-in template into the text the platform receives: escaping, markup,
   * link handling (a platform without clickable links renders `link` as it sees fit).
   * Defaults to concatenating the parts as they are.
   */
  format?(parts: Part[], post: { link: string }): string;
  /** At most this many hashtags whatever the channel asks (Instagram: 30). */
  maxHashtags?: number;
}

/** What a channel will post for one article; stored with the delivery when first claimed, so a resend sends the same bytes. */
export interface RenderedPost {
  layout: string;
  /** The exact text sent. */
  text: string;
  /** Length of `text` in each budget of the layout, same order. */
  lengths: { unit: string; length: number; limit: number }[];
  /** True when hashtags, summary or title had to be dropped or shortened. */
  shortened: boolean;
  /** The article link with the channel's UTM tags. */
  link: string;
  /** Plain title and summary as they went into the text (for cards and embeds). */
  title: string;
  summary: string;
  hashtags: string[];
  imageUrl?: string;
  /** What the image shows, for the platforms that take a description (X, Threads, Facebook…). */
  imageAlt?: string;
  publishedAt?: string;
  /** Where the post came from, for platforms that pass structured data on (webhook). */
  source?: Pick<Article, 'id' | 'feedId' | 'categories' | 'author'>;
}

/**
 * What the platform said, as data: its HTTP status where it answered, and a stable code a
 * program can branch on (`http_503`, `UND_ERR_CONNECT_TIMEOUT`, the platform's own error code…).
 */
export interface Answer {
  httpStatus?: number;
  code?: string;
}

/** What happened to one send. Adapters turn every platform answer into one of these. */
export type SendResult = (
  | { kind: 'sent'; remoteId: string; url?: string }
  /** The platform says this post already exists (X duplicate content, Bluesky record key taken…). */
  | { kind: 'already-posted'; remoteId?: string; url?: string; reason: string }
  /** Transient: rate limit (with the platform's own delay when it gave one), 5xx, network failure before sending. */
  | { kind: 'retry'; reason: string; afterMs?: number; rateLimited?: boolean }
  /** The platform refused this post; sending it again will not help. */
  | { kind: 'permanent'; reason: string }
  /** Credentials refused or revoked: the channel pauses instead of failing every article. */
  | { kind: 'auth'; reason: string }
  /** The request may or may not have been acted on (timeout or connection lost after sending). */
  | { kind: 'in-doubt'; reason: string }
) &
  Answer;

export interface SendContext {
  /** Stable per delivery: the same on every attempt (Mastodon Idempotency-Key, Bluesky record key). */
  idempotencyKey: string;
  /** True when an earlier attempt of this delivery may have reached the platform. */
  resend: boolean;
  signal: AbortSignal;
}

/** A post as the platform knows it, from the settled send of its delivery. */
export interface RemotePost {
  remoteId: string;
  remoteUrl?: string;
}

/**
 * What happened to one edit of a published post. Setting a post to a text is safe to repeat,
 * so a request that may or may not have arrived is a retry, never in doubt.
 */
export type EditResult =
  /** The post shows the new text; `detail` when the platform had nothing to change ("not modified"). */
  | { kind: 'edited'; url?: string; detail?: string }
  /** The post no longer exists (deleted by hand): nothing to correct, nothing to retry. */
  | { kind: 'gone'; reason: string }
  | { kind: 'retry'; reason: string; afterMs?: number; rateLimited?: boolean }
  | { kind: 'permanent'; reason: string }
  | { kind: 'auth'; reason: string };

/** Stable per edit delivery (a webhook receiver deduplicates corrections on it). */
export type EditContext = Pick<SendContext, 'idempotencyKey' | 'signal'>;

export interface Adapter {
  rules: PlatformRules;
  send(post: RenderedPost, ctx: SendContext): Promise<SendResult>;
  /** Present when the definition declares `edit`: replaces the text of a post this channel published. */
  edit?(remote: RemotePost, post: RenderedPost, ctx: EditContext): Promise<EditResult>;
  /**
   * Called before each send or edit is claimed, for work that posts nothing (renewing a token
   * that runs out): a crash during it leaves no send in doubt. A failure here is ignored;
   * the send meets it again and reports it.
   */
  prepare?(): Promise<void>;
  close?(): Promise<void>;
}

export interface AdapterContext {
  logger: Logger;
  /** Dry run or preview: build the rules without contacting the platform. */
  offline: boolean;
  /** The channel's tokens in the store (OAuth 2.0 tokens, a Bluesky session); absent where no store is open. */
  credentials?: ChannelCredentials;
}

/**
 * What a send that was interrupted (crash, timeout) becomes:
 * - 'resend': sending again is safe (idempotency key, chosen record key, duplicate refusal);
 * - 'hold': left in doubt for the operator (`herald retry` / `herald skip`).
 */
export type InDoubtStrategy = 'resend' | 'hold';

/** Published platform limits the delivery worker enforces on top of the channel's own (counted in the store). */
export interface PlatformPacing {
  /** At most `limit` posts in any `seconds` (Telegram: 20 per 60 s per channel). */
  windows?: { limit: number; seconds: number }[];
  minIntervalSeconds?: number;
}

/** How a platform lets published posts be corrected. */
export interface EditCapability {
  /** Posts older than this can no longer be edited; absent: no limit. */
  windowSeconds?: number;
}

/** Where `herald auth` sends the browser, and what it keeps to finish the exchange (a PKCE verifier). */
export interface AuthorizationStart {
  url: string;
  verifier?: string;
}

/**
 * The platform's OAuth authorization-code flow, which `herald auth CHANNEL` runs: the core
 * picks the redirect URI and `state`, takes the redirect and stores the tokens.
 */
export interface OAuthFlow<C> {
  /** Whether this channel's config names an OAuth app (rather than static tokens). */
  uses(channel: C): boolean;
  start(channel: C, opts: { redirectUri: string; state: string }): Promise<AuthorizationStart>;
  /** Exchanges the code, then asks the platform who the tokens post as (`account`). */
  exchange(channel: C, opts: { code: string; redirectUri: string; verifier?: string }): Promise<TokenGrant & { account: string }>;
  /** The callback URL registered with the app, when the channel names one. */
  redirectUri?(channel: C): string | undefined;
}

export interface AdapterDefinition<S extends z.ZodObject = z.ZodObject> {
  platform: string;
  /** Platform-specific channel keys (target, auth, options); merged with the common channel keys. */
  schema: S;
  inDoubt: InDoubtStrategy;
  pacing?: PlatformPacing;
  /** Present when the platform lets a published post be edited (its adapter implements `edit`). */
  edit?: EditCapability;
  create(channel: ChannelBase & z.infer<S>, ctx: AdapterContext): Promise<Adapter>;
  /** Present for platforms whose accounts connect through `herald auth`. */
  oauth?: OAuthFlow<ChannelBase & z.infer<S>>;
}

/** Helper that keeps each adapter's config type precise. */
export function defineAdapter<S extends z.ZodObject>(def: AdapterDefinition<S>): AdapterDefinition<S> {
  return def;
}
