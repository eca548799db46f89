import type { Logger } from 'pino';
import type { Adapter, EditResult, RenderedPost, SendResult } from '../platform.ts';
import type { ReadModel } from '../operator/read-model.ts';
import type { Redactor } from '../redact.ts';
import { renderPost } from '../render/render.ts';
import type { RetryPolicy } from './backoff.ts';
import type { ChannelRuntime } from './channels.ts';
import { planEdit } from './edit-plan.ts';
import { planEditSettlement } from './edit-settlement.ts';
import type { ChannelQueue, Outbox } from './outbox.ts';
import { channelPlanInput } from './channel-plan.ts';
import { longestWindowSeconds, nextAllowedAt, pacingFor, type PacingRules } from './pacing.ts';
import type { PlanQueue } from './plan-queue.ts';
import { planNext, type Decision } from './planner.ts';
import { planSettlement, type SettlementPlan } from './settlement.ts';
import type { AttemptOutcome, Delivery, DeliveryState } from './types.ts';

export interface DeliveryEvent {
  delivery: Delivery;
  /** Where the delivery stands after this attempt. */
  state: DeliveryState;
  outcome: AttemptOutcome;
  post?: RenderedPost;
  detail?: string;
  remoteUrl?: string;
  /** How long the platform took to answer, for a send that went to it. */
  sendSeconds?: number;
}

/** A send not answered within this is abandoned as in doubt (`once` and `run`). */
export const SEND_TIMEOUT_MS = 30_000;

export interface WorkerOptions {
  workerId: string;
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
 * time, within its spacing and quotas; edits (corrections) first, within the platform's own
 * limits alone. Every send is claimed in the store before it leaves and settled after it answers.
 */
export class DeliveryWorker {
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(
    private readonly outbox: Outbox & PlanQueue & Pick<ReadModel, 'delivery'>,
    private readonly channels: ChannelRuntime[],
    private readonly opts: WorkerOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Sends everything due now on the channels this worker holds; resolves when none has more due now. */
  async drain(held?: ReadonlySet<string>): Promise<void> {
    await Promise.all(this.channels.filter((c) => !held || held.has(c.id)).map((channel) => this.drainChannel(channel)));
  }

  /** Stops claiming new deliveries; sends already under way finish (see `settled`). */
  stop(): void {
    this.stopped = true;
  }

  get busy(): boolean {
    return this.inFlight.size > 0;
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

  /** When the next queued delivery may go out, or expire, on these channels (undefined: nothing queued on an active channel). */
  async nextDueAt(held?: ReadonlySet<string>): Promise<number | undefined> {
    let next: number | undefined;
    for (const channel of this.channels) {
      if (held && !held.has(channel.id)) continue;
      const now = this.now();
      const queue = await this.queue(channel, now);
      const edit = queue.editDueAt === undefined || queue.state.pausedReason ? undefined : Math.max(queue.editDueAt, editAllowedAt(channel, queue, now));
      for (const due of [edit, await this.plannedAt(channel, queue, now)]) {
        if (due !== undefined && (next === undefined || due < next)) next = due;
      }
    }
    return next;
  }

  private queue(channel: ChannelRuntime, now: number): Promise<ChannelQueue> {
    return this.outbox.channelQueue(channel.id, now, now - longestWindowSeconds(channel.pacing) * 1000);
  }

  /** The planner's decision for the channel's posts: best first, within hours and quotas, paced; too old ones expire. */
  private async plan(channel: ChannelRuntime, queue: ChannelQueue, now: number): Promise<Decision> {
    return planNext(channelPlanInput(channel, queue, await this.outbox.plannerEntries(channel.id), now));
  }

  private async plannedAt(channel: ChannelRuntime, queue: ChannelQueue, now: number): Promise<number | undefined> {
    if (queue.state.pausedReason || queue.pending === 0) return undefined;
    const decision = await this.plan(channel, queue, now);
    if (decision.expired.length > 0) return now;
    const at = Math.min(decision.next?.at ?? Infinity, decision.nextExpiryAt ?? Infinity);
    return at === Infinity ? undefined : at;
  }

  /** Posts the planner's next delivery if it is due now (expiring what is too old first); edits go first, unplanned. */
  private async nextDelivery(channel: ChannelRuntime, queue: ChannelQueue, now: number, log: Logger): Promise<Delivery | undefined> {
    if (queue.next?.kind === 'edit') return editAllowedAt(channel, queue, now) > now ? undefined : queue.next;
    if (queue.pending === 0) return undefined;
    const decision = await this.plan(channel, queue, now);
    for (const id of decision.expired) {
      const delivery = await this.outbox.pendingDelivery(id);
      const detail = `older than the channel's maxAgeHours (${channel.config.maxAgeHours} h) when it would have gone out`;
      if (delivery && (await this.outbox.expire(id, detail, now))) {
        log.info({ delivery: id }, 'delivery expired: too old to post');
        this.emit({ delivery, state: 'expired', outcome: 'expired', detail });
      }
    }
    if (!decision.next || decision.next.at > now) return undefined;
    return this.outbox.pendingDelivery(decision.next.id);
  }

  private async drainChannel(channel: ChannelRuntime): Promise<void> {
    const log = this.opts.logger.child({ channel: channel.id });
    while (!this.stopped) {
      const now = this.now();
      const queue = await this.queue(channel, now);
      if (queue.state.pausedReason) return;
      const delivery = await this.nextDelivery(channel, queue, now, log);
      if (!delivery) return;

      let adapter;
      try {
        adapter = await channel.adapter();
      } catch (err) {
        const reason = this.opts.redact(err instanceof Error ? err.message : String(err));
        log.error({ reason }, 'channel unavailable: its adapter could not start; retrying later');
        await this.outbox.blockChannel(channel.id, now + (this.opts.adapterFailureBackoffMs ?? 300_000), 'unavailable', reason);
        return;
      }
      await adapter.prepare?.().catch(() => undefined);
      // Stopped while the adapter was starting: `settled()` no longer waits for a send begun now.
      if (this.stopped) return;
      if (delivery.kind === 'edit') {
        await this.track(this.correct(channel, adapter, delivery, now, log));
        continue;
      }

      let post = delivery.rendered;
      if (!post) {
        const rendered = renderPost(delivery.article, channel.config, adapter.rules);
        if (!rendered.ok) {
          if (await this.outbox.failUnrenderable(delivery.id, rendered.reason, now)) {
            log.error({ delivery: delivery.id, reason: rendered.reason }, 'post cannot be rendered for this platform');
            this.emit({ delivery, state: 'failed', outcome: 'render-failed', detail: rendered.reason });
          }
          continue;
        }
        post = rendered.post;
      }
      const claim = { workerId: this.opts.workerId, now };

      if (channel.config.dryRun) {
        if ((await this.outbox.recordDryRun(delivery.id, post, claim)) === undefined) continue;
        log.info({ delivery: delivery.id, layout: post.layout, lengths: post.lengths, text: post.text }, 'dry run: rendered, not sent');
        this.emit({ delivery, state: 'sent', outcome: 'dry-run', post });
        continue;
      }

      await this.track(
        this.outbox.claim(delivery.id, post, claim).then(async (attempt) => {
          if (attempt !== undefined) await this.send(channel, adapter, delivery, post, attempt, log);
        }),
      );
    }
  }

  /** Keeps a claim and its request in flight until settled (see `settled`). */
  private async track(sending: Promise<void>): Promise<void> {
    this.inFlight.add(sending);
    try {
      await sending;
    } finally {
      this.inFlight.delete(sending);
    }
  }

  /** An edit of a published post: rendered in the post's layout from the article's latest version, claimed, sent, settled. */
  private async correct(channel: ChannelRuntime, adapter: Adapter, edit: Delivery, now: number, log: Logger): Promise<void> {
    const target = edit.targetId === undefined ? undefined : await this.outbox.delivery(edit.targetId);
    const canEdit = adapter.edit ? channel.definition.edit : undefined;
    const plan = planEdit(edit, target, { config: channel.config, canEdit, rules: adapter.rules }, now);
    if (plan.kind === 'drop') {
      if (await this.outbox.dropEdit(edit.id, plan.reason, plan.code, now)) {
        log.info({ delivery: edit.id, reason: plan.reason }, 'correction not applied');
        this.emit({ delivery: edit, state: 'skipped', outcome: 'permanent', detail: plan.reason });
      }
      return;
    }
    if (plan.kind === 'unrenderable') {
      if (await this.outbox.failUnrenderable(edit.id, plan.reason, now)) {
        log.error({ delivery: edit.id, reason: plan.reason }, 'correction cannot be rendered for this platform');
        this.emit({ delivery: edit, state: 'failed', outcome: 'render-failed', detail: plan.reason });
      }
      return;
    }
    const claim = { workerId: this.opts.workerId, now };
    if (channel.config.dryRun || !plan.remote) {
      if ((await this.outbox.recordDryRun(edit.id, plan.post, claim)) === undefined) return;
      log.info({ delivery: edit.id, layout: plan.post.layout, text: plan.post.text }, 'dry run: correction rendered, not sent');
      this.emit({ delivery: edit, state: 'sent', outcome: 'dry-run', post: plan.post });
      return;
    }
    const attempt = await this.outbox.claim(edit.id, plan.post, claim);
    if (attempt === undefined) return;
    const remote = plan.remote;
    const result = this.redactResult(
      await withTimeout(
        (signal) => adapter.edit!(remote, plan.post, { idempotencyKey: edit.idempotencyKey, signal }),
        this.opts.sendTimeoutMs,
        (reason): EditResult => ({ kind: 'retry', reason }),
      ),
    );
    const at = this.now();
    await this.apply(channel, edit, attempt, planEditSettlement(result, remote, edit.failures, this.opts.retry, at), plan.post, at, log);
  }

  private async send(
    channel: ChannelRuntime,
    adapter: Adapter,
    delivery: Delivery,
    post: RenderedPost,
    attempt: number,
    log: Logger,
  ): Promise<void> {
    const started = performance.now();
    const result = this.redactResult(
      await withTimeout(
        (signal) => adapter.send(post, { idempotencyKey: delivery.idempotencyKey, resend: delivery.resend, signal }),
        this.opts.sendTimeoutMs,
        (reason): SendResult => ({ kind: 'in-doubt', reason }),
      ),
    );
    const sendSeconds = (performance.now() - started) / 1000;
    const now = this.now();
    await this.apply(channel, delivery, attempt, planSettlement(result, delivery.failures, channel.definition.inDoubt, this.opts.retry, now), post, now, log, sendSeconds);
  }

  /** Records how an attempt ended, and what it means for the channel (rate limit, refused credentials); a send's duration goes with it. */
  private async apply(
    channel: ChannelRuntime,
    delivery: Delivery,
    attempt: number,
    plan: SettlementPlan,
    post: RenderedPost,
    now: number,
    log: Logger,
    sendSeconds?: number,
  ): Promise<void> {
    if (!(await this.outbox.settle(delivery.id, attempt, plan.settlement, now))) {
      log.warn({ delivery: delivery.id, attempt, outcome: plan.settlement.outcome }, 'delivery moved on while its send was under way: recorded the attempt only');
    }
    if (plan.blockUntil !== undefined) await this.outbox.blockChannel(channel.id, plan.blockUntil, 'rate-limited', plan.settlement.detail);
    if (plan.pause !== undefined && (await this.outbox.pauseChannel(channel.id, plan.pause, now))) {
      log.error(
        { reason: plan.pause },
        `channel paused: the platform refused its credentials; fix them, then run \`herald resume ${channel.id}\``,
      );
    }
    const s = plan.settlement;
    const remoteUrl = s.state === 'sent' ? s.remoteUrl : undefined;
    const level = s.state === 'sent' ? 'info' : s.state === 'pending' ? 'warn' : 'error';
    log[level]({ delivery: delivery.id, attempt, outcome: s.outcome, code: s.code, detail: s.detail, remoteUrl }, `delivery ${s.state}`);
    this.emit({ delivery, state: s.state, outcome: s.outcome, post, detail: s.detail, remoteUrl, sendSeconds });
  }

  private redactResult<R extends SendResult | EditResult>(result: R): R {
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
export function dueAt(channel: ChannelRuntime, queue: ChannelQueue, now: number): number | undefined {
  if (queue.state.pausedReason || queue.earliestDueAt === undefined) return undefined;
  return Math.max(queue.earliestDueAt, allowedAt(channel, queue, now));
}

function allowedAt(channel: ChannelRuntime, queue: ChannelQueue, now: number): number {
  if (channel.config.dryRun) return now;
  return nextAllowedAt(
    channel.pacing,
    { lastAttemptAt: queue.lastAttemptAt, recentPosts: queue.recentPosts, blockedUntil: queue.state.blockedUntil },
    now,
  );
}

/** When an edit may go: within the platform's own limits and blocks, not the channel's spacing or quotas (an edit is not a new post). */
function editAllowedAt(channel: ChannelRuntime, queue: ChannelQueue, now: number): number {
  if (channel.config.dryRun) return now;
  const history = { lastAttemptAt: queue.lastAttemptAt, recentPosts: queue.recentPosts, blockedUntil: queue.state.blockedUntil };
  return nextAllowedAt(pacingFor({ minIntervalSeconds: 0 }, channel.definition.pacing), history, now);
}

/**
 * Runs a request with an abort signal; one that neither answers nor aborts in time, or throws,
 * ends as `unanswered` says (a send is in doubt; an edit, safe to repeat, is retried).
 */
async function withTimeout<R>(run: (signal: AbortSignal) => Promise<R>, timeoutMs: number, unanswered: (reason: string) => R): Promise<R> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<R>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(unanswered(`no answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      run(controller.signal).catch((err: unknown) => unanswered(`adapter failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`)),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
