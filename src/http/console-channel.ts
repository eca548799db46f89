import type { Delivery } from '../delivery/types.ts';
import type { ChannelRuntime } from '../delivery/channels.ts';
import type { RenderOutcome } from '../render/render.ts';
import { renderPost } from '../render/render.ts';

/** What the console needs of a configured channel: its platform and the post a delivery shows. */
export interface ConsoleChannel {
  id: string;
  platform: string;
  /** The stored post, or the one it would be rendered as now (before its first claim). */
  postOf(delivery: Delivery): Promise<RenderOutcome>;
}

export function consoleChannels(runtimes: ChannelRuntime[]): ConsoleChannel[] {
  return runtimes.map((runtime) => ({
    id: runtime.id,
    platform: runtime.config.platform,
    async postOf(delivery) {
      if (delivery.rendered) return { ok: true, post: delivery.rendered };
      try {
        return renderPost(delivery.article, runtime.config, (await runtime.adapter()).rules);
      } catch (err) {
        return { ok: false, reason: `the ${runtime.config.platform} adapter could not start: ${(err as Error).message}` };
      }
    },
  }));
}
