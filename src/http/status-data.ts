import type { ConsoleChannel } from './console-channel.ts';
import type { ConsoleStore, CredentialExpiries } from './console-store.ts';
import type { OverviewData } from './console/overview.ts';

export interface StatusSources {
  store: ConsoleStore;
  credentials?: CredentialExpiries;
  channels: ConsoleChannel[];
  feedIds: string[];
}

/** Feeds, channels and workers as the store has them now: the overview page and `GET /api/status`. */
export async function statusData({ store, credentials, channels, feedIds }: StatusSources, now: number): Promise<OverviewData> {
  const [feedStates, channelStates, depths, held, workers, expiries] = await Promise.all([
    store.feedStates(),
    store.channelStates(),
    store.queueDepths(),
    store.deliveries({ states: ['held'] }),
    store.workers(now),
    credentials?.credentialExpiries() ?? Promise.resolve([]),
  ]);
  return {
    now,
    feeds: feedIds.map((id) => ({
      id,
      state: feedStates.find((f) => f.id === id),
      held: held.filter((d) => d.feedId === id).length,
    })),
    channels: channels.map((c) => ({
      id: c.id,
      platform: c.platform,
      state: channelStates.find((s) => s.id === c.id),
      queue: Object.fromEntries(depths.filter((d) => d.channelId === c.id).map((d) => [d.state, d.count])),
      credentialExpiresAt: expiries.find((e) => e.channelId === c.id)?.expiresAt,
    })),
    workers,
  };
}
