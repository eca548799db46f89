import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { FeedConfig } from '../config/feed-schema.ts';
import { DEFAULT_RETRY_POLICY } from '../delivery/backoff.ts';
import { channelsForFeed, resendsSafely, type ChannelRuntime } from '../delivery/channels.ts';
import { DeliveryWorker } from '../delivery/worker.ts';
import { pollFeed, type PollOptions } from '../feeds/poll.ts';
import { POLL_CONCURRENCY } from './cycle.ts';
import type { Db } from '../store/db.ts';
import { getFeedState } from '../store/feed-state.ts';
import { acquireWorkerLock } from '../store/lock.ts';
import { recoverInterrupted } from '../store/outbox.ts';

export interface DaemonOptions extends PollOptions {
  feeds: FeedConfig[];
  channels: ChannelRuntime[];
  sendTimeoutMs: number;
  /** How long a shutdown waits for sends under way before leaving them to crash recovery. */
  shutdownGraceMs: number;
}

/** Re-examine the queue at least this often: pacing windows open without any event. */
const MAX_IDLE_MS = 60_000;
const HEARTBEAT_MS = 15_000;

/**
 * The long-running worker: each feed on its own cron schedule, the delivery worker woken
 * by new articles and by its own next due time. `stop()` finishes what is in flight.
 */
export class Daemon {
  private readonly tasks: ScheduledTask[] = [];
  /** Feeds waiting for a polling slot, and those being polled: at most POLL_CONCURRENCY at once. */
  private readonly waiting: FeedConfig[] = [];
  private readonly polling = new Map<string, Promise<void>>();
  private readonly aborter = new AbortController();
  private readonly worker: DeliveryWorker;
  private readonly lock: ReturnType<typeof acquireWorkerLock>;
  private readonly heartbeat: NodeJS.Timeout;
  private wakeTimer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private drainAgain = false;
  private stopping = false;
  private readonly log: Logger;

  constructor(
    private readonly db: Db,
    private readonly opts: DaemonOptions,
  ) {
    this.log = opts.logger;
    this.lock = acquireWorkerLock(db, Date.now());
    this.heartbeat = setInterval(() => this.lock.refresh(Date.now()), HEARTBEAT_MS);
    const recovered = recoverInterrupted(db, resendsSafely(opts.channels), Date.now());
    if (recovered.resent + recovered.inDoubt > 0) this.log.warn(recovered, 'recovered sends interrupted by the last stop');
    this.worker = new DeliveryWorker(db, opts.channels, {
      logger: opts.logger,
      redact: opts.redact,
      retry: DEFAULT_RETRY_POLICY,
      sendTimeoutMs: opts.sendTimeoutMs,
    });
  }

  start(): void {
    cron.setLogger({
      info: (m) => this.log.debug(m),
      warn: (m) => this.log.warn(m),
      error: (m) => this.log.error(String(m)),
      debug: (m) => this.log.debug(String(m)),
    });
    for (const feed of this.opts.feeds) {
      this.tasks.push(cron.schedule(feed.schedule, () => this.enqueue(feed, false), { name: `feed:${feed.id}`, noOverlap: true }));
      this.enqueue(feed, true);
    }
    this.log.info({ feeds: this.opts.feeds.length, channels: this.opts.channels.length }, 'herald running');
    this.wake();
  }

  /** Stops polling and claiming; waits for sends under way up to the grace period. */
  async stop(): Promise<boolean> {
    this.stopping = true;
    clearTimeout(this.wakeTimer);
    clearInterval(this.heartbeat);
    await Promise.all(this.tasks.map((t) => t.destroy()));
    this.waiting.length = 0;
    this.aborter.abort();
    await Promise.all(this.polling.values());
    this.worker.stop();
    const settled = await this.worker.settled(this.opts.shutdownGraceMs);
    if (!settled) this.log.warn('some sends did not answer in time: they will be resolved as interrupted at the next start');
    await Promise.all(this.opts.channels.map((c) => c.close()));
    this.lock.release();
    return settled;
  }

  private enqueue(feed: FeedConfig, initial: boolean): void {
    if (this.stopping || this.polling.has(feed.id) || this.waiting.some((f) => f.id === feed.id)) return;
    const backoffUntil = getFeedState(this.db, feed.id).nextPollAt;
    if (!initial && backoffUntil !== undefined && backoffUntil > Date.now()) return;
    this.waiting.push(feed);
    this.pump();
  }

  private pump(): void {
    while (!this.stopping && this.polling.size < POLL_CONCURRENCY && this.waiting.length > 0) {
      const feed = this.waiting.shift()!;
      const channelIds = channelsForFeed(this.opts.channels, feed.id).map((c) => c.id);
      const run = pollFeed(feed, channelIds, { ...this.opts, signal: this.aborter.signal })
        .then((result) => {
          if (result.ok && result.report && result.report.queued > 0) this.wake();
        })
        .finally(() => {
          this.polling.delete(feed.id);
          this.pump();
        });
      this.polling.set(feed.id, run);
    }
  }

  /** Drains what is due now, then sleeps until the next due time (or new articles). */
  private wake(): void {
    if (this.stopping) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    clearTimeout(this.wakeTimer);
    this.draining = (async () => {
      do {
        this.drainAgain = false;
        await this.worker.drain();
      } while (this.drainAgain && !this.stopping);
    })()
      .catch((err: unknown) => this.log.error({ err: this.opts.redact(String(err)) }, 'delivery pass failed'))
      .finally(() => {
        this.draining = undefined;
        if (this.stopping) return;
        const next = this.worker.nextDueAt();
        const delay = next === undefined ? MAX_IDLE_MS : Math.min(MAX_IDLE_MS, Math.max(0, next - Date.now()));
        this.wakeTimer = setTimeout(() => this.wake(), delay);
      });
  }
}
