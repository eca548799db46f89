/** What the alert notifier reads: the SQLite alerts table, beside channel, feed and delivery states set by the test. */
import type { AlertSources } from '../../src/alerts/notifier.ts';
import type { Delivery } from '../../src/delivery/types.ts';
import type { FeedState } from '../../src/feeds/ledger.ts';
import { openDb } from '../../src/store/sqlite/db.ts';
import { SqliteAlerts } from '../../src/store/sqlite/alerts.ts';
import { MemoryConsoleStore } from '../fakes/memory-store.ts';

export interface AlertTestStore extends AlertSources {
  pause(channelId: string, reason: string, at: number): void;
  resume(channelId: string): void;
  feed(id: string, state: Partial<FeedState>): void;
  add(delivery: Delivery): void;
  deliveriesOn(channelId: string): Delivery[];
  close(): Promise<void>;
}

export async function alertTestStore(): Promise<AlertTestStore> {
  const db = openDb(':memory:');
  const alerts = new SqliteAlerts(db);
  const states = new MemoryConsoleStore();
  return {
    openAlerts: () => alerts.openAlerts(),
    raiseAlerts: (c) => alerts.raiseAlerts(c),
    resolveAlerts: (k, now) => alerts.resolveAlerts(k, now),
    claimAlertBatch: (now, min) => alerts.claimAlertBatch(now, min),
    releaseAlertBatch: (b) => alerts.releaseAlertBatch(b),
    channelStates: () => states.channelStates(),
    feedStates: () => states.feedStates(),
    deliveries: (filter) => states.deliveries(filter),
    pause(channelId, reason, at) {
      states.channelRows = [...states.channelRows.filter((c) => c.id !== channelId), { id: channelId, pausedReason: reason, pausedAt: at }];
    },
    resume(channelId) {
      states.channelRows = states.channelRows.filter((c) => c.id !== channelId);
    },
    feed(id, state) {
      states.feedRows = [...states.feedRows.filter((f) => f.id !== id), { id, cache: {}, failures: 0, ...state }];
    },
    add(delivery) {
      states.deliveryRows.push(delivery);
    },
    deliveriesOn: (channelId) => states.deliveryRows.filter((d) => d.channelId === channelId),
    close: async () => {
      db.close();
    },
  };
}
