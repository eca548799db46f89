import type { Logger } from 'pino';
import type { RenderedPost, SendResult } from '../platform.ts';
import type { Redactor } from '../redact.ts';
import { renderPost } from '../render/render.ts';
import type { Db } from '../store/db.ts';
import { blockChannel, getChannelState, pauseChannel } from '../store/channel-state.ts';
import { earliestPending, nextDue, type Delivery, type DeliveryState } from '../store/deliveries.ts';
import { claim, failUnrenderable, lastAttemptStart, recentPostStarts, recordDryRun, settle, type AttemptOutcome } from '../store/outbox.ts';
import type { RetryPolicy } from './backoff.ts';
import type { ChannelRuntime } from './channels.ts';
import { longestWindowSeconds, nextAllowedAt } from './pacing.ts';
import { planSettlement } from './settlement.ts';

export interface DeliveryEvent {
  delivery: Delivery;
  /** Where the delivery stands after this attempt. */
  state: DeliveryState;
  outcome: AttemptOutcome;
  post?: RenderedPost;
  detail?: string;
  remoteUrl?: string;
}

/** A send not answered within this is abandoned as in doubt (`once` and `run`). */
export const SEND_TIMEOUT_MS = 30_000;

export interface WorkerOptions {
  logger: Logger;
  redact: Redactor;
  retry: RetryPolicy;
  /** A send not answered within this is abandoned and treated as in doubt. */
  sendTimeoutMs: number;
  /** A channel whose adapter could not be created is left alone this long. */
  adapterFailureBackoffMs?: number;
  now?: () => number;
  onEvent?: (event: DeliveryEvent) => void;
}

/**
 * Sends what is due: channels in parallel, each channel's queue in order, one post at a
 * time, within its spacing and quotas. Every send is claimed in the store before it
 * leaves and settled after it answers.
 */
export class DeliveryWorker {
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly channels: ChannelRuntime[],
    private readonly opts: WorkerOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Sends everything due now; resolves when no channel has anything more due now. */
  async drain(): Promise<void> {
    const runs = this.channels.map((channel) => this.drainChannel(channel));
    await Promise.all(runs);
  }

  /** Stops claiming new deliveries; sends already under way finish (see `settled`). */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves when the sends under way have settled, or after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const done = Promise.all([...this.inFlight]).then(() => true);
    const result = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return result;
  }

  /** When the next queued delivery may go out (undefined: nothing queued on an active channel). */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const channel of this.channels) {
      const due = this.channelDueAt(channel);
      if (due !== undefined && (next === undefined || due < next)) next = due;
    }
    return next;
  }

  channelDueAt(channel: ChannelRuntime): number | undefined {
    return channelDueAt(this.db, channel, this.now());
  }

  private async drainChannel(channel: ChannelRuntime): Promise<void> {
    const log = this.opts.logger.child({ channel: channel.id });
    while (!this.stopped) {
      if (getChannelState(this.db, channel.id).pausedReason) return;
      const now = this.now();
      const delivery = nextDue(this.db, channel.id, now);
      if (!delivery || allowedAt(this.db, channel, now) > now) return;

      let adapter;
      try {
        adapter = await channel.adapter();
      } catch (err) {
        const reason = this.opts.redact(err instanceof Error ? err.message : String(err));
        log.error({ reason }, 'channel unavailable: its adapter could not start; retrying later');
        blockChannel(this.db, channel.id, now + (this.opts.adapterFailureBackoffMs ?? 300_000));
        return;
      }
      // Stopped while the adapter was starting: `settled()` no longer waits for a send begun now.
      if (this.stopped) return;

      let post = delivery.rendered;
      if (!post) {
        const rendered = renderPost(delivery.article, channel.config, adapter.rules);
        if (!rendered.ok) {
          failUnrenderable(this.db, delivery.id, rendered.reason, now);
          log.error({ delivery: delivery.id, reason: rendered.reason }, 'post cannot be rendered for this platform');
          this.emit({ delivery, state: 'failed', outcome: 'render-failed', detail: rendered.reason });
          continue;
        }
        post = rendered.post;
      }

      if (channel.config.dryRun) {
        if (recordDryRun(this.db, delivery.id, post, now) === undefined) continue;
        const stored = delivery.rendered ?? post;
        log.info({ delivery: delivery.id, layout: stored.layout, lengths: stored.lengths, text: stored.text }, 'dry run: rendered, not sent');
        this.emit({ delivery, state: 'sent', outcome: 'dry-run', post: stored });
        continue;
      }

      const attempt = claim(this.db, delivery.id, post, false, now);
      if (attempt === undefined) continue;
      const stored = delivery.rendered ?? post;

      const sending = this.send(channel, delivery, stored, attempt, log);
      this.inFlight.add(sending);
      try {
        await sending;
      } finally {
        this.inFlight.delete(sending);
      }
    }
  }

  private async send(channel: ChannelRuntime, delivery: Delivery, post: RenderedPost, attempt: number, log: Logger): Promise<void> {
    const adapter = await channel.adapter();
    const result = this.redactResult(
      await withTimeout(
        (signal) => adapter.send(post, { idempotencyKey: delivery.idempotencyKey, resend: delivery.resend, signal }),
        this.opts.sendTimeoutMs,
      ),
    );
    const now = this.now();
    const plan = planSettlement(result, delivery.failures, channel.definition.inDoubt, this.opts.retry, now);
    settle(this.db, delivery.id, attempt, plan.settlement, now);
    if (plan.blockUntil !== undefined) blockChannel(this.db, channel.id, plan.blockUntil);
    if (plan.pause !== undefined && pauseChannel(this.db, channel.id, plan.pause, now)) {
      log.error(
        { reason: plan.pause },
        `channel paused: the platform refused its credentials; fix them, then run \`herald resume ${channel.id}\``,
      );
    }
    const s = plan.settlement;
    const remoteUrl = s.state === 'sent' ? s.remoteUrl : undefined;
    const level = s.state === 'sent' ? 'info' : s.state === 'pending' ? 'warn' : 'error';
    log[level]({ delivery: delivery.id, attempt, outcome: s.outcome, detail: s.detail, remoteUrl }, `delivery ${s.state}`);
    this.emit({ delivery, state: s.state, outcome: s.outcome, post, detail: s.detail, remoteUrl });
  }

  private redactResult(result: SendResult): SendResult {
    return 'reason' in result ? { ...result, reason: this.opts.redact(result.reason) } : result;
  }

  private emit(event: DeliveryEvent): void {
    this.opts.onEvent?.(event);
  }
}

/**
 * When the channel's next queued delivery may go out: its due time, held back by the
 * channel's spacing and quotas and by any platform block (undefined: nothing queued, or paused).
 */
export function channelDueAt(db: Db, channel: ChannelRuntime, now: number): number | undefined {
  if (getChannelState(db, channel.id).pausedReason) return undefined;
  const pending = earliestPending(db, channel.id);
  if (pending === undefined) return undefined;
  return Math.max(pending, allowedAt(db, channel, now));
}

function allowedAt(db: Db, channel: ChannelRuntime, now: number): number {
  if (channel.config.dryRun) return now;
  const since = now - longestWindowSeconds(channel.pacing) * 1000;
  return nextAllowedAt(
    channel.pacing,
    {
      lastAttemptAt: lastAttemptStart(db, channel.id),
      recentPosts: recentPostStarts(db, channel.id, since),
      blockedUntil: getChannelState(db, channel.id).blockedUntil,
    },
    now,
  );
}

/** Runs a send with an abort signal; a send that neither answers nor aborts in time is in doubt. */
async function withTimeout(run: (signal: AbortSignal) => Promise<SendResult>, timeoutMs: number): Promise<SendResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<SendResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ kind: 'in-doubt', reason: `no answer within ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      run(controller.signal).catch(
        (err: unknown): SendResult => ({ kind: 'in-doubt', reason: `adapter failed unexpectedly: ${err instanceof Error ? err.message : String(err)}` }),
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
