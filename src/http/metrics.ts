import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AttemptOutcome, DeliveryState } from '../delivery/types.ts';
import type { ConsoleStore, CredentialExpiries } from './console-store.ts';

export type PollResult = 'changed' | 'not_modified' | 'failed';

/** The `outcome` label of `herald_deliveries_total` for each recorded attempt outcome. */
export const OUTCOME_LABEL: Record<AttemptOutcome, string> = {
  sent: 'sent',
  'already-posted': 'already_posted',
  'dry-run': 'dry_run',
  edited: 'edited',
  retry: 'retry',
  'rate-limited': 'rate_limited',
  permanent: 'failed',
  auth: 'failed',
  'render-failed': 'failed',
  'in-doubt': 'in_doubt',
  interrupted: 'in_doubt',
  expired: 'expired',
};

/** Queue states every configured channel reports, 0 when empty, so alerts on them need no `absent()`. */
const QUEUE_STATES: DeliveryState[] = ['held', 'review', 'pending', 'sending', 'failed', 'in_doubt'];

export interface MetricsSources {
  store: ConsoleStore;
  credentials?: CredentialExpiries;
  channelIds: string[];
}

/**
 * Herald's Prometheus metrics. What the store knows (deliveries, queue, feeds, pauses,
 * credentials) is read from it at each scrape, so every worker on a shared store reports the
 * same numbers and they always match `history`; polls and send durations are this process's own.
 */
export class HeraldMetrics {
  readonly registry = new Registry();
  readonly #polls: Counter<'feed' | 'result'>;
  readonly #sendDuration: Histogram<'channel'>;

  constructor({ store, credentials, channelIds }: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#polls = new Counter({ name: 'herald_feed_polls_total', help: 'Feed polls by result', labelNames: ['feed', 'result'], registers });
    this.#sendDuration = new Histogram({
      name: 'herald_send_duration_seconds',
      help: 'Time a send to the platform took',
      labelNames: ['channel'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    new Counter({
      name: 'herald_deliveries_total',
      help: 'Delivery attempts by how they ended (from the store)',
      labelNames: ['channel', 'outcome'],
      registers,
      async collect() {
        this.reset();
        for (const row of await store.attemptCounts()) {
          this.inc({ channel: row.channelId, outcome: OUTCOME_LABEL[row.outcome] }, row.count);
        }
      },
    });
    new Gauge({
      name: 'herald_queue_depth',
      help: 'Deliveries per channel and state',
      labelNames: ['channel', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const channel of channelIds) for (const state of QUEUE_STATES) this.set({ channel, state }, 0);
        for (const row of await store.queueDepths()) this.set({ channel: row.channelId, state: row.state }, row.count);
      },
    });
    new Gauge({
      name: 'herald_feed_last_success_timestamp_seconds',
      help: 'When the feed was last polled successfully (Unix seconds)',
      labelNames: ['feed'],
      registers,
      async collect() {
        this.reset();
        for (const feed of await store.feedStates()) if (feed.lastOkAt !== undefined) this.set({ feed: feed.id }, feed.lastOkAt / 1000);
      },
    });
    new Gauge({
      name: 'herald_channel_paused',
      help: '1 while the channel is paused because the platform refused its credentials',
      labelNames: ['channel'],
      registers,
      async collect() {
        this.reset();
        const paused = new Set((await store.channelStates()).filter((c) => c.pausedReason !== undefined).map((c) => c.id));
        for (const channel of new Set([...channelIds, ...paused])) this.set({ channel }, paused.has(channel) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'herald_credential_expiry_timestamp_seconds',
      help: "When the channel's stored access token expires (Unix seconds)",
      labelNames: ['channel'],
      registers,
      async collect() {
        this.reset();
        for (const c of (await credentials?.credentialExpiries()) ?? []) this.set({ channel: c.channelId }, c.expiresAt / 1000);
      },
    });
  }

  pollFinished(feed: string, result: PollResult): void {
    this.#polls.inc({ feed, result });
  }

  sendFinished(channel: string, seconds: number): void {
    this.#sendDuration.observe({ channel }, seconds);
  }
}
