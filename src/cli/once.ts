import { DEFAULT_RETRY_POLICY } from '../delivery/backoff.ts';
import { resendsSafely } from '../delivery/channels.ts';
import { DeliveryWorker, SEND_TIMEOUT_MS, type DeliveryEvent } from '../delivery/worker.ts';
import type { PollResult } from '../feeds/poll.ts';
import { pollFeeds } from '../scheduler/cycle.ts';
import { getChannelState } from '../store/channel-state.ts';
import { acquireWorkerLock } from '../store/lock.ts';
import { recoverInterrupted } from '../store/outbox.ts';
import { earliestPending } from '../store/deliveries.ts';
import { loadApp, openStore, type GlobalOptions } from './context.ts';
import { postBlock, when } from './format.ts';

/** `once` waits out delays up to this long (retry-after, pacing) before exiting. */
export const ONCE_MAX_WAIT_MS = 60_000;

export async function onceCommand(opts: GlobalOptions): Promise<number> {
  const app = loadApp(opts);
  const db = openStore(app);
  const lock = acquireWorkerLock(db, Date.now());
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    reportRecovery(recoverInterrupted(db, resendsSafely(app.channels), Date.now()), out);

    const polls = await pollFeeds(app.loaded.config.feeds, app.channels, {
      db,
      baseDir: app.loaded.dir,
      userAgent: app.userAgent,
      logger: app.logger,
      redact: app.redact,
    });
    polls.forEach((p) => out(describePoll(p)));

    const tally = new Map<string, number>();
    let failedDeliveries = 0;
    const worker = new DeliveryWorker(db, app.channels, {
      logger: app.logger,
      redact: app.redact,
      retry: DEFAULT_RETRY_POLICY,
      sendTimeoutMs: SEND_TIMEOUT_MS,
      onEvent: (e) => {
        tally.set(e.outcome, (tally.get(e.outcome) ?? 0) + 1);
        if (e.state === 'failed') failedDeliveries++;
        out(describeEvent(e));
      },
    });
    for (;;) {
      await worker.drain();
      lock.refresh(Date.now());
      const next = worker.nextDueAt();
      if (next === undefined || next - Date.now() > ONCE_MAX_WAIT_MS) break;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    }

    const queued = app.channels.flatMap((c) => {
      const pending = earliestPending(db, c.id);
      const paused = getChannelState(db, c.id).pausedReason;
      if (pending === undefined) return [];
      return [`  ${c.id}: ${paused ? `paused (${paused}) — fix, then \`herald resume ${c.id}\`` : `next due ${when(worker.channelDueAt(c))}`}`];
    });
    const counts = [...tally].map(([k, v]) => `${v} ${k}`).join(', ') || 'nothing to send';
    out(`done: ${counts}`);
    if (queued.length > 0) out(`queued for later:\n${queued.join('\n')}`);

    return polls.some((p) => !p.ok) || failedDeliveries > 0 ? 1 : 0;
  } finally {
    lock.release();
    await Promise.all(app.channels.map((c) => c.close()));
    db.close();
  }
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
  if (r.held) parts.push(`${r.held} HELD by the flood guard (herald release ${p.feedId} | herald skip --held)`);
  if (r.beyondBackfill) parts.push(`${r.beyondBackfill} older marked seen (first poll, backfill)`);
  if (r.tooOld) parts.push(`${r.tooOld} too old`);
  return `feed ${p.feedId}: ${parts.join(', ')}`;
}

function describeEvent(e: DeliveryEvent): string {
  const head = `[${e.delivery.channelId}] #${e.delivery.id} ${e.outcome}: "${e.delivery.article.title}"`;
  const tail = e.remoteUrl ? ` → ${e.remoteUrl}` : e.detail ? ` — ${e.detail}` : '';
  return e.outcome === 'dry-run' && e.post ? `${head} (dry run: not sent)\n${postBlock(e.post)}` : `${head}${tail}`;
}
