import type { Delivery } from '../delivery/types.ts';
import type { ConsoleChannel } from './console-channel.ts';
import type { ConsoleStore } from './console-store.ts';
import type { DeliveryView } from './console/delivery-item.ts';

/** Deliveries with their attempts and the post each shows. */
export async function deliveryViews(store: ConsoleStore, channels: ConsoleChannel[], deliveries: Delivery[]): Promise<DeliveryView[]> {
  const attempts = await store.attempts(deliveries.map((d) => d.id));
  return Promise.all(
    deliveries.map(async (delivery) => {
      const channel = channels.find((c) => c.id === delivery.channelId);
      const base = { delivery, platform: channel?.platform ?? 'unknown', attempts: attempts.get(delivery.id) ?? [] };
      if (!channel) return { ...base, renderProblem: `channel ${delivery.channelId} is no longer in the config` };
      const outcome = await channel.postOf(delivery);
      return outcome.ok ? { ...base, post: outcome.post } : { ...base, renderProblem: outcome.reason };
    }),
  );
}
