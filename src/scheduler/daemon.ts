import type { Logger } from 'pino';
import type { FeedConfig } from '../config/feed-schema.ts';
import type { PollingConfig } from '../config/polling-schema.ts';
import { channelControls, channelEditing, channelsForFeed, type ChannelRuntime } from '../delivery/channels.ts';
import type { ChannelControls, ChannelEditing } from '../feeds/policy.ts';
import { stopParseThread } from '../feeds/parse-pool.ts';
import { pollFeed, type PollOptions, type PollResult } from '../feeds/poll.ts';
import type { Store } from '../store/store.ts';
import { PollQueue } from './poll-queue.ts';
import { nextTick } from './schedule.ts';
import type { WorkerSession } from './worker-session.ts';

export interface DaemonOptions extends Omit<PollOptions, 'ledger' | 'signal'> {
  feeds: FeedConfig[];
  channels: ChannelRuntime[];
  polling: PollingConfig;
  /** How long a shutdown waits for sends under way before leaving them to crash recovery. */
  shutdownGraceMs: number;
  /** Each poll that ended (not one cut short by the stop). */
  onPoll?: (result: PollResult) => void;
  /** After each delivery pass (the scheduler's cycle, at least every 10 s): alert checks. */
  onCycle?: () => void;
}

/** Re-examine feeds and queue at least this often: pacing windows open and leases change hands without any event here. */
const MAX_IDLE_MS = 10_000;
/** Due feeds claimed in one store round trip; held (leases renewed by the heartbeat) until a polling slot frees. */
const CLAIM_BATCH = 64;

/**
 * The long-running worker. One timer over the store's next-poll times (each feed's cron
 * schedule, or its backoff) claims the feeds that are due — across workers, each feed is
 * polled by one of them per tick — and the delivery worker is woken by new articles and by
 * its own next due time. `stop()` finishes what is in flight.
 */
export class Daemon {
  private readonly polling = new Map<string, Promise<void>>();
  /**
   * Feeds whose poll failed for want of the store, and their release with it: the heartbeat would
   * keep their leases (this worker is alive) and nobody would poll them again. Released before the next claim.
   */
  private readonly unreleased = new Set<string>();
  /** Claimed for this worker, waiting for a polling slot. */
  private readonly claimed: PollQueue;
  private readonly controls: ChannelControls;
  private readonly editing: ChannelEditing;
  private readonly aborter = new AbortController();
  private readonly feedIds: string[];
  private readonly byId: Map<string, FeedConfig>;
  private pollTimer?: NodeJS.Timeout;
  private wakeTimer?: NodeJS.Timeout;
  private claiming = false;
  private draining?: Promise<void>;
  private drainAgain = false;
  private started = false;
  private stopping = false;
  private readonly log: Logger;

  constructor(
    private readonly store: Store,
    private readonly session: WorkerSession,
    private readonly opts: DaemonOptions,
  ) {
    this.log = opts.logger;
    this.feedIds = opts.feeds.map((f) => f.id);
    this.byId = new Map(opts.feeds.map((f) => [f.id, f]));
    this.claimed = new PollQueue(opts.polling);
    this.controls = channelControls(opts.channels);
    this.editing = channelEditing(opts.channels);
  }

  /** Whether the scheduler runs: started and not stopping. */
  get running(): boolean {
    return this.started && !this.stopping;
  }

  start(): void {
    this.started = true;
    this.log.info({ feeds: this.opts.feeds.length, channels: this.opts.channels.length, worker: this.session.id }, 'herald running');
    this.pollDue();
    this.wake();
  }

  /** Stops polling and claiming; waits for sends under way up to the grace period. */
  async stop(): Promise<boolean> {
    this.stopping = true;
    this.claimed.clear();
    clearTimeout(this.wakeTimer);
    clearTimeout(this.pollTimer);
    this.aborter.abort();
    this.session.worker.stop();
    await Promise.all(this.polling.values());
    await stopParseThread();
    const settled = await this.session.stop(this.opts.shutdownGraceMs);
    // With nothing left in flight the delivery pass ends at its next step; a send cut short is left to recovery.
    if (settled) await this.draining;
    return settled;
  }

  /** Polls claimed feeds while there is room, claims the next due batch when none is left, and sleeps until the next one is due. */
  private pollDue(): void {
    if (this.stopping || this.claiming) return;
    this.startClaimed();
    if (this.claimed.size > 0 || this.claimed.full) return;
    this.claiming = true;
    clearTimeout(this.pollTimer);
    void (async () => {
      let delay = MAX_IDLE_MS;
      try {
        for (const id of this.unreleased) {
          await this.store.releaseFeed(this.session.id, id);
          this.unreleased.delete(id);
        }
        const ids = await this.store.claimFeeds(this.session.id, this.feedIds, Date.now(), { dueOnly: true, limit: CLAIM_BATCH });
        for (const id of ids) this.claimed.add(this.byId.get(id)!);
        if (ids.length === 0) {
          const next = await this.store.nextPollAt(this.feedIds, Date.now());
          delay = Math.min(MAX_IDLE_MS, Math.max(0, (next ?? 0) - Date.now()));
        } else delay = 0;
      } catch (err) {
        this.log.warn({ err: this.opts.redact(String(err)) }, 'store unavailable: could not claim feeds; retrying');
      } finally {
        this.claiming = false;
        this.startClaimed();
        if (!this.stopping && this.claimed.size === 0) this.pollTimer = setTimeout(() => this.pollDue(), delay);
      }
    })();
  }

  private startClaimed(): void {
    for (let feed = this.stopping ? undefined : this.claimed.take(); feed; feed = this.stopping ? undefined : this.claimed.take()) this.poll(feed);
  }

  private poll(feed: FeedConfig): void {
    const channelIds = channelsForFeed(this.opts.channels, feed.id).map((c) => c.id);
    const run = pollFeed(feed, channelIds, {
      ...this.opts,
      controls: this.controls,
      editing: this.editing,
      ledger: this.store,
      signal: this.aborter.signal,
      nextPollAt: this.opts.nextPollAt ?? ((f) => nextTick(f.schedule)),
    })
      .then((result) => {
        if (!this.aborter.signal.aborted) this.opts.onPoll?.(result);
        if (result.ok && result.report && (result.report.queued > 0 || result.report.corrected > 0)) this.wake();
      })
      .catch((err: unknown) => {
        this.log.warn({ feed: feed.id, err: this.opts.redact(String(err)) }, 'store unavailable: poll not recorded; the feed is polled again');
        return this.store.releaseFeed(this.session.id, feed.id).catch(() => void this.unreleased.add(feed.id));
      })
      .finally(() => {
        this.polling.delete(feed.id);
        this.claimed.done(feed);
        this.pollDue();
      });
    this.polling.set(feed.id, run);
  }

  /** Drains what is due now, then sleeps until the next due time (or new articles). */
  private wake(): void {
    if (this.stopping) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    clearTimeout(this.wakeTimer);
    let delay = MAX_IDLE_MS;
    this.draining = (async () => {
      do {
        this.drainAgain = false;
        await this.session.drain();
      } while (this.drainAgain && !this.stopping);
      const next = await this.session.nextDueAt();
      if (next !== undefined) delay = Math.min(MAX_IDLE_MS, Math.max(0, next - Date.now()));
      if (!this.stopping) this.opts.onCycle?.();
    })()
      .catch((err: unknown) => this.log.error({ err: this.opts.redact(String(err)) }, 'delivery pass failed; retrying'))
      .finally(() => {
        this.draining = undefined;
        if (!this.stopping) this.wakeTimer = setTimeout(() => this.wake(), delay);
      });
  }
}
