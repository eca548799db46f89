import { alertNotifierFor } from '../alerts/from-config.ts';
import { ATTEMPT_OUTCOMES, type AttemptOutcome } from '../delivery/types.ts';
import type { DeliveryEvent } from '../delivery/worker.ts';
import { SEND_TIMEOUT_MS } from '../delivery/worker.ts';
import type { PollResult } from '../feeds/poll.ts';
import { pollFeeds } from '../scheduler/cycle.ts';
import { WorkerSession } from '../scheduler/worker-session.ts';
import type { Store } from '../store/store.ts';
import { loadApp, openStore, type App, type GlobalOptions } from './context.ts';
import { describeItem, postBlock, when } from './format.ts';
import { onStopSignal } from './signals.ts';

/** `once` waits out delays up to this long (retry-after, pacing) before exiting. */
export const ONCE_MAX_WAIT_MS = 60_000;
/** After a stop signal, sends under way get this long to answer. */
const STOP_GRACE_MS = 10_000;
/** While waiting, a line at least this often says what for. */
const WAIT_NOTICE_MS = 5_000;

export const EXIT_INTERRUPTED = 130;

export async function onceCommand(opts: GlobalOptions): Promise<number> {
  const app = loadApp(opts);
  const store = await openStore(app);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let stopped = false;
  const tally = new Map<AttemptOutcome, number>();
  /** Deliveries that now wait for the operator: failed, or in doubt (sent or not, nobody knows). */
  let stuckDeliveries = 0;
  const session = new WorkerSession(store, app.channels, {
    logger: app.logger,
    redact: app.redact,
    sendTimeoutMs: SEND_TIMEOUT_MS,
    onRecovered: (r) => {
      stuckDeliveries += r.inDoubt;
      reportRecovery(r, out);
    },
    onEvent: (e) => {
      tally.set(e.outcome, (tally.get(e.outcome) ?? 0) + 1);
      if (e.state === 'failed' || e.state === 'in_doubt') stuckDeliveries++;
      out(describeEvent(e));
    },
  });
  const aborter = new AbortController();
  let wakeEarly: () => void = () => undefined;
  let stopRequested: () => void = () => undefined;
  const stopping = new Promise<'stop'>((resolve) => (stopRequested = () => resolve('stop')));
  const signals = onStopSignal(() => {
    stopped = true;
    stopRequested();
    out('stopping: finishing the sends under way (a second signal stops at once)');
    aborter.abort();
    session.worker.stop();
    wakeEarly();
  });
  try {
    await session.start();
    const feedIds = await store.claimFeeds(
      session.id,
      app.loaded.config.feeds.map((f) => f.id),
      Date.now(),
      { dueOnly: false, limit: app.loaded.config.feeds.length },
    );
    const claimed = new Set(feedIds);
    const busy = app.loaded.config.feeds.filter((f) => !claimed.has(f.id));
    busy.forEach((f) => out(`feed ${f.id}: skipped — another worker is polling it now`));
    const polls = await pollFeeds(
      app.loaded.config.feeds.filter((f) => claimed.has(f.id)),
      app.channels,
      app.loaded.config.polling,
      { ledger: store, baseDir: app.loaded.dir, userAgent: app.userAgent, logger: app.logger, redact: app.redact, signal: aborter.signal },
    );
    polls.filter((p) => !(stopped && !p.ok && p.error === 'stopped')).forEach((p) => out(describePoll(p)));

    while (!stopped) {
      const drained = session.drain();
      if ((await Promise.race([drained.then(() => 'drained' as const), stopping])) === 'stop') {
        // The sends under way get the grace below; one that answers after the store is closed is recovered at the next start.
        drained.catch(() => undefined);
        break;
      }
      const next = await session.nextDueAt();
      if (stopped || next === undefined || next - Date.now() > ONCE_MAX_WAIT_MS) break;
      await waitUntil(next, out, (wake) => (wakeEarly = wake));
      await session.renew();
    }

    if (!stopped) await sendAlerts(app, store, out);
    const settled = await session.stop(STOP_GRACE_MS);
    const queued: string[] = [];
    const channelStates = new Map((await store.channelStates()).map((s) => [s.id, s]));
    let trouble = false;
    for (const c of app.channels) {
      const state = channelStates.get(c.id);
      const queue = await store.channelQueue(c.id, Date.now(), Date.now());
      if (state?.pausedReason) trouble = true;
      if (state?.blockedCode === 'unavailable' && (state.blockedUntil ?? 0) > Date.now()) trouble = true;
      if (queue.pending === 0) continue;
      queued.push(
        `  ${c.id}: ${
          state?.pausedReason
            ? `paused (${state.pausedReason}) — fix, then \`herald resume ${c.id}\``
            : state?.blockedCode === 'unavailable' && (state.blockedUntil ?? 0) > Date.now()
              ? `unavailable (${state.blockedReason ?? 'its adapter could not start'}) until ${when(state.blockedUntil)}`
              : `next due ${when(await session.worker.nextDueAt(new Set([c.id])))}`
        }`,
      );
    }
    // In a fixed order, whichever channel finished first.
    const counts = ATTEMPT_OUTCOMES.filter((o) => tally.has(o)).map((o) => `${tally.get(o)} ${o}`).join(', ') || 'nothing to send';
    out(`done: ${counts}`);
    if (queued.length > 0) out(`queued for later:\n${queued.join('\n')}`);
    if (stopped) return settled ? 0 : EXIT_INTERRUPTED;
    return polls.some((p) => !p.ok) || stuckDeliveries > 0 || trouble ? 1 : 0;
  } finally {
    signals.dispose();
    await store.close();
  }
}

/** What is pending goes out now, without the batch window (the channels are still open); a failure is the log's. */
async function sendAlerts(app: App, store: Store, out: (line: string) => void): Promise<void> {
  const { config } = app.loaded;
  const notifier = alertNotifierFor(config, { channels: app.channels, store, logger: app.logger });
  const result = await notifier?.check(Date.now(), { flush: true }).catch((err: unknown) => {
    app.logger.warn({ err: app.redact(err instanceof Error ? err.message : String(err)) }, 'alert check failed');
    return 'failed' as const;
  });
  if (result === 'sent') out(`alerts sent to ${config.alerts!.to.join(', ')}`);
  if (result === 'failed') out('alerts could not be sent: see the log');
}

/** Sleeps until `at`, saying every few seconds what it waits for; a stop signal ends it early. */
async function waitUntil(at: number, out: (line: string) => void, onWake: (wake: () => void) => void): Promise<void> {
  await new Promise<void>((resolve) => {
    let notice: NodeJS.Timeout | undefined;
    const timer = setTimeout(done, Math.max(0, at - Date.now()));
    function done() {
      clearTimeout(timer);
      clearInterval(notice);
      resolve();
    }
    onWake(done);
    if (at - Date.now() > WAIT_NOTICE_MS) {
      out(`waiting until ${when(at)} for the next post that is due (pacing or the platform's retry-after)`);
      notice = setInterval(() => out(`still waiting: next post due ${when(at)}`), WAIT_NOTICE_MS);
    }
  });
}

function reportRecovery(r: { resent: number; inDoubt: number }, out: (line: string) => void): void {
  if (r.resent > 0) out(`recovered ${r.resent} interrupted send(s): they will be resent safely (the platform deduplicates)`);
  if (r.inDoubt > 0) out(`${r.inDoubt} interrupted send(s) are in doubt: see \`herald status\`, then \`herald retry ID\` or \`herald skip ID\``);
}

export function describePoll(p: PollResult): string {
  if (!p.ok) return `feed ${p.feedId}: FAILED — ${p.error}`;
  if (p.notModified) return `feed ${p.feedId}: not modified`;
  const r = p.report!;
  const parts = [`${r.listed} items`, `${r.fresh} new`, `${r.queued} queued`];
  if (r.corrected) parts.push(`${r.corrected} corrected (their posts are edited)`);
  if (r.held) parts.push(`${r.held} HELD by the flood guard (herald release ${p.feedId} | herald skip --held)`);
  if (r.beyondBackfill) parts.push(`${r.beyondBackfill} older marked seen (first poll, backfill)`);
  if (r.tooOld) parts.push(`${r.tooOld} too old`);
  const skipped = p.skipped.map((item) => `\nfeed ${p.feedId}: skipped (${item.reason}): ${describeItem(item)}`);
  return `feed ${p.feedId}: ${parts.join(', ')}${skipped.join('')}`;
}

function describeEvent(e: DeliveryEvent): string {
  const head = `[${e.delivery.channelId}] #${e.delivery.id} ${e.outcome}: "${e.delivery.article.title}"`;
  const tail = e.remoteUrl ? ` → ${e.remoteUrl}` : e.detail ? ` — ${e.detail}` : '';
  return e.outcome === 'dry-run' && e.post ? `${head} (dry run: not sent)\n${postBlock(e.post)}` : `${head}${tail}`;
}
