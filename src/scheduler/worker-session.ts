import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DEFAULT_RETRY_POLICY } from '../delivery/backoff.ts';
import { resendsSafely, type ChannelRuntime } from '../delivery/channels.ts';
import { DeliveryWorker, type DeliveryEvent } from '../delivery/worker.ts';
import type { Redactor } from '../redact.ts';
import type { Store } from '../store/store.ts';
import { HEARTBEAT_MS } from './leases.ts';

export interface SessionOptions {
  logger: Logger;
  redact: Redactor;
  sendTimeoutMs: number;
  onEvent?: (event: DeliveryEvent) => void;
  onRecovered?: (recovered: { resent: number; inDoubt: number }) => void;
}

/**
 * One worker's life, shared by `once` and `run`: it registers, recovers what dead workers
 * left in flight, holds its channel leases by heartbeat, and sends through one DeliveryWorker.
 */
export class WorkerSession {
  readonly id = randomUUID();
  readonly worker: DeliveryWorker;
  /** The channels this worker sends for now (all of them, on SQLite). */
  held = new Set<string>();
  private heartbeat?: NodeJS.Timeout;
  private readonly canResend: (channelId: string) => boolean;

  constructor(
    readonly store: Store,
    readonly channels: ChannelRuntime[],
    private readonly opts: SessionOptions,
  ) {
    this.canResend = resendsSafely(channels);
    this.worker = new DeliveryWorker(store, channels, {
      workerId: this.id,
      logger: opts.logger,
      redact: opts.redact,
      retry: DEFAULT_RETRY_POLICY,
      sendTimeoutMs: opts.sendTimeoutMs,
      onEvent: opts.onEvent,
    });
  }

  async start(): Promise<void> {
    await this.store.register({ id: this.id, host: os.hostname(), pid: process.pid }, Date.now());
    await this.renew();
    this.heartbeat = setInterval(() => {
      this.renew().catch((err: unknown) => this.opts.logger.warn({ err: this.opts.redact(String(err)) }, 'store unavailable: heartbeat failed; retrying'));
    }, HEARTBEAT_MS);
  }

  /** Heartbeat: keeps the leases, takes over channels and sends of workers that died. */
  async renew(): Promise<void> {
    const now = Date.now();
    await this.store.heartbeat(this.id, now);
    this.held = new Set(await this.store.claimChannels(this.id, this.channels.map((c) => c.id), now));
    const recovered = await this.store.recoverAbandoned(this.canResend, now);
    if (recovered.resent + recovered.inDoubt > 0) {
      this.opts.logger.warn(recovered, 'recovered sends a stopped worker left unanswered');
      this.opts.onRecovered?.(recovered);
    }
  }

  drain(): Promise<void> {
    return this.worker.drain(this.held);
  }

  nextDueAt(): Promise<number | undefined> {
    return this.worker.nextDueAt(this.held);
  }

  /** Stops claiming; waits for sends under way up to `graceMs`; gives up its leases. True when nothing was cut short. */
  async stop(graceMs: number): Promise<boolean> {
    clearInterval(this.heartbeat);
    this.worker.stop();
    const settled = await this.worker.settled(graceMs);
    if (!settled) this.opts.logger.warn('some sends did not answer in time: they will be resolved as interrupted at the next start');
    await Promise.all(this.channels.map((c) => c.close()));
    // Sends cut short stay claimed by this worker: its registration must lapse for them to be recovered.
    if (settled) await this.store.unregister(this.id);
    return settled;
  }
}
