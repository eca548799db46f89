import type { Article } from '../article.ts';
import type { ChannelRuntime } from '../delivery/channels.ts';
import type { SendResult } from '../platform.ts';
import { renderPost } from '../render/render.ts';

/** A channel alerts are sent to, directly through its adapter: never through the outbox, so a failing alert channel cannot raise alerts of its own. */
export interface AlertChannel {
  id: string;
  send(message: { title: string; body: string }, key: string, signal: AbortSignal): Promise<SendResult>;
}

const ALERT_TEMPLATE = '{title}\n\n{summary}\n\n{link}';

/**
 * The alert as a post of the channel's platform (escaped and fitted by the platform's own
 * rules), linking to `link` (the console, where there is one).
 */
export function alertChannel(runtime: ChannelRuntime, link: string): AlertChannel {
  const channel = { ...runtime.config, template: ALERT_TEMPLATE, hashtags: { fromCategories: false, max: 0, fixed: [], map: {}, exclude: [] }, utm: undefined };
  return {
    id: runtime.id,
    async send(message, key, signal) {
      const article: Article = { id: key, feedId: 'herald-alerts', link, linkKey: link, title: message.title, summary: message.body, categories: [] };
      const adapter = await runtime.adapter();
      const rendered = renderPost(article, channel, adapter.rules);
      if (!rendered.ok) return { kind: 'permanent', reason: rendered.reason };
      if (runtime.config.dryRun) return { kind: 'sent', remoteId: 'dry-run' };
      return adapter.send(rendered.post, { idempotencyKey: key, resend: false, signal });
    },
  };
}
