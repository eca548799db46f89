import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import type { CredentialExpiries } from '../http/console-store.ts';
import type { AlertChannel } from './alert-channel.ts';
import type { AlertBatch, AlertStore } from './alert-store.ts';
import { activeConditions } from './conditions.ts';
import { alertMessage } from './message.ts';

const SEND_TIMEOUT_MS = 30_000;

export type AlertSources = Pick<Store, 'channelStates' | 'feedStates' | 'deliveries'> & AlertStore;

export interface AlertNotifierOptions {
  store: AlertSources;
  credentials?: CredentialExpiries;
  channels: AlertChannel[];
  feedFailures: number;
  /** A new condition waits this long for the others of the same outage to join it. */
  batchMs: number;
  /** At most one alert message in this time (a whole outage goes out as one). */
  minIntervalMs: number;
  logger: Logger;
}

export type CheckResult = 'sent' | 'nothing' | 'waiting' | 'failed';

/**
 * Compares what is wrong now with what was alerted (kept in the store), records the
 * difference, and sends what is new — raised or resolved — as one message to every alert
 * channel, at most once per `minIntervalMs` across all workers.
 */
export class AlertNotifier {
  readonly #opts: AlertNotifierOptions;
  /** After a message no channel took: not before this (the failure is logged once per try). */
  #retryAt = 0;

  constructor(opts: AlertNotifierOptions) {
    this.#opts = opts;
  }

  /** `flush`: send what is pending without waiting for the batch window (for `herald once`). */
  async check(now: number, { flush = false } = {}): Promise<CheckResult> {
    const { store, credentials } = this.#opts;
    const [channelStates, feedStates, troubled, held, expiries, open] = await Promise.all([
      store.channelStates(),
      store.feedStates(),
      store.deliveries({ states: ['failed', 'in_doubt'] }),
      store.deliveries({ states: ['held'] }),
      credentials?.credentialExpiries() ?? Promise.resolve([]),
      store.openAlerts(),
    ]);
    const conditions = activeConditions({ now, feedFailures: this.#opts.feedFailures, channelStates, troubled, feedStates, held, credentials: expiries });
    const active = new Set(conditions.map((c) => c.key));
    await store.raiseAlerts(conditions);
    await store.resolveAlerts(open.filter((a) => a.resolvedAt === undefined && !active.has(a.key)).map((a) => a.key), now);

    const pending = (await store.openAlerts()).filter((a) => (a.resolvedAt === undefined ? a.notifiedAt === undefined : a.resolveNotifiedAt === undefined));
    if (pending.length === 0) return 'nothing';
    const ripe = flush || pending.some((a) => now - (a.resolvedAt ?? a.raisedAt) >= this.#opts.batchMs);
    if (!ripe || now < this.#retryAt) return 'waiting';
    const batch = await store.claimAlertBatch(now, this.#opts.minIntervalMs);
    if (!batch) return 'waiting';
    return this.#send(batch, now);
  }

  async #send(batch: AlertBatch, now: number): Promise<CheckResult> {
    const { logger, channels } = this.#opts;
    const message = alertMessage(batch);
    const key = `herald-alert-${batch.claimedAt}`;
    let delivered = 0;
    for (const channel of channels) {
      const result = await channel.send(message, key, AbortSignal.timeout(SEND_TIMEOUT_MS)).catch((err: unknown) => ({ kind: 'error' as const, reason: (err as Error).message }));
      if (result.kind === 'sent' || result.kind === 'already-posted') {
        delivered++;
        logger.info({ channel: channel.id, raised: batch.raised.length, resolved: batch.resolved.length }, 'alert sent');
      } else {
        logger.error({ channel: channel.id, outcome: result.kind, reason: result.reason, alert: message.title }, 'alert channel failed: the alert is logged here instead');
      }
    }
    if (delivered > 0) return 'sent';
    await this.#opts.store.releaseAlertBatch(batch);
    const { minIntervalMs } = this.#opts;
    this.#retryAt = now + minIntervalMs;
    logger.error({ alert: message.title, text: message.body }, `no alert channel took the alert; trying again in ${Math.ceil(minIntervalMs / 1000)} s`);
    return 'failed';
  }
}
