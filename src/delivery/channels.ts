import type { Logger } from 'pino';
import type { Article } from '../article.ts';
import type { CredentialVault } from '../auth/channel-credentials.ts';
import type { ChannelConfig } from '../config/schema.ts';
import { compileFilter, type FilterVerdict } from '../feeds/filter.ts';
import type { ChannelControls, ChannelEditing } from '../feeds/policy.ts';
import { articlePriority } from '../feeds/priority.ts';
import type { Adapter, AdapterDefinition } from '../platform.ts';
import { alwaysOpen, parsePostingHours, postingHours, type PostingHours } from './hours.ts';
import { pacingFor, type PacingRules } from './pacing.ts';

/** A configured channel with its adapter, created on first use. */
export interface ChannelRuntime {
  id: string;
  config: ChannelConfig;
  definition: AdapterDefinition;
  pacing: PacingRules;
  hours: PostingHours;
  /** Whether the channel posts an article; if not, the rule that filtered it. */
  filter(article: Article): FilterVerdict;
  priority(article: Article): number;
  adapter(): Promise<Adapter>;
  close(): Promise<void>;
}

export function channelRuntimes(
  channels: ChannelConfig[],
  adapters: Record<string, AdapterDefinition>,
  logger: Logger,
  offline = false,
  vault?: CredentialVault,
): ChannelRuntime[] {
  return channels.map((config) => {
    const definition = adapters[config.platform];
    if (!definition) throw new Error(`no adapter for platform ${config.platform}`);
    let created: Promise<Adapter> | undefined;
    return {
      id: config.id,
      config,
      definition,
      pacing: pacingFor(config, definition.pacing),
      hours: config.postingHours ? postingHours(parsePostingHours(config.postingHours).windows, config.timezone) : alwaysOpen(config.timezone),
      filter: compileFilter(config.filter),
      priority: (article) => articlePriority(article, config.priority),
      adapter() {
        created ??= definition
          .create(config, {
            logger: logger.child({ channel: config.id }),
            offline: offline || config.dryRun,
            ...(vault && { credentials: vault.channel(config.id) }),
          })
          .catch((err: unknown) => {
            created = undefined;
            throw err;
          });
        return created;
      },
      async close() {
        if (created) await (await created.catch(() => undefined))?.close?.();
      },
    };
  });
}

/** Each channel's filter, priority and review, as ingest applies them to a new article. */
export function channelControls(channels: ChannelRuntime[]): ChannelControls {
  const byId = new Map(channels.map((c) => [c.id, c]));
  return (channelId, article) => {
    const channel = byId.get(channelId);
    if (!channel) return { priority: 0, review: false };
    const verdict = channel.filter(article);
    return { ...(!verdict.pass && { filtered: verdict.rule }), priority: channel.priority(article), review: channel.config.review };
  };
}

/** Each channel's way with corrections, as ingest plans them. */
export function channelEditing(channels: ChannelRuntime[]): ChannelEditing {
  const byId = new Map(channels.map((c) => [c.id, c]));
  return (channelId) => {
    const channel = byId.get(channelId);
    return channel && { channel: channel.config, canEdit: channel.definition.edit };
  };
}

/** The channels that post a feed's articles. */
export function channelsForFeed(channels: ChannelRuntime[], feedId: string): ChannelRuntime[] {
  return channels.filter((c) => !c.config.feeds || c.config.feeds.includes(feedId));
}

/** For crash recovery: whether the channel's adapter can resend an interrupted send safely. */
export function resendsSafely(channels: ChannelRuntime[]): (channelId: string) => boolean {
  return (channelId) => channels.find((c) => c.id === channelId)?.definition.inDoubt === 'resend';
}
