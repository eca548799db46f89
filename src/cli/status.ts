import { allFeedStates } from '../store/feed-state.ts';
import { getChannelState } from '../store/channel-state.ts';
import { attemptsOf, countByState, countPending, earliestPending, listDeliveries, type Delivery, type DeliveryState } from '../store/deliveries.ts';
import { channelDueAt } from '../delivery/worker.ts';
import { loadApp, openStore, type GlobalOptions } from './context.ts';
import { when } from './format.ts';

/** `herald status`: feeds, channels and queue, and every delivery that needs the operator. */
export function statusCommand(opts: GlobalOptions): number {
  const app = loadApp(opts, { offline: true });
  const db = openStore(app);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    out('Feeds');
    const states = new Map(allFeedStates(db).map((s) => [s.id, s]));
    for (const feed of app.loaded.config.feeds) {
      const s = states.get(feed.id);
      if (!s) {
        out(`  ${feed.id}: never polled`);
        continue;
      }
      const health = s.lastError ? `FAILING (${s.failures}×): ${s.lastError}; next poll after ${when(s.nextPollAt)}` : 'ok';
      out(`  ${feed.id}: last poll ${when(s.lastPollAt)}, last success ${when(s.lastOkAt)} — ${health}`);
    }

    out('Channels');
    for (const c of app.channels) {
      const state = getChannelState(db, c.id);
      const pending = countPending(db, c.id);
      const flags = [
        c.config.dryRun ? 'dry run' : undefined,
        state.pausedReason ? `PAUSED: ${state.pausedReason} — fix, then \`herald resume ${c.id}\`` : undefined,
        state.blockedUntil && state.blockedUntil > Date.now() ? `rate-limited until ${when(state.blockedUntil)}` : undefined,
      ].filter(Boolean);
      out(`  ${c.id} (${c.config.platform}): ${pending} queued${pending ? `, next due ${when(channelDueAt(db, c, Date.now()) ?? earliestPending(db, c.id))}` : ''}${flags.length ? ` — ${flags.join('; ')}` : ''}`);
    }

    const counts = countByState(db);
    out(`Deliveries: ${(Object.keys(counts) as DeliveryState[]).map((k) => `${counts[k]} ${k.replace('_', '-')}`).join(', ')}`);
    section(out, 'Held by the flood guard (`herald release FEED` or `herald skip --held`)', listDeliveries(db, { states: ['held'] }));
    section(out, 'Failed (`herald retry ID` or `herald retry --failed`)', listDeliveries(db, { states: ['failed'] }));
    section(out, 'In doubt: may or may not be on the platform; check, then `herald retry ID` or `herald skip ID`', listDeliveries(db, { states: ['in_doubt'] }));
    return 0;
  } finally {
    db.close();
  }
}

function section(out: (line: string) => void, title: string, items: Delivery[]): void {
  if (items.length === 0) return;
  out(`${title}:`);
  for (const d of items) out(`  #${d.id} [${d.channelId}] "${d.article.title}"${d.lastError ? ` — ${d.lastError}` : ''}`);
}

export interface HistoryOptions extends GlobalOptions {
  channel?: string;
  limit?: string;
}

/** `herald history`: deliveries, newest first, with remote URLs and every attempt's outcome. */
export function historyCommand(opts: HistoryOptions): number {
  const app = loadApp(opts, { offline: true });
  const db = openStore(app);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const deliveries = listDeliveries(db, { channelId: opts.channel, limit: opts.limit ? Number(opts.limit) : 50 });
    if (deliveries.length === 0) out('no deliveries yet');
    for (const d of deliveries) {
      const where = d.remoteUrl ?? d.remoteId ?? (d.dryRun ? 'dry run: not sent' : '');
      out(`#${d.id} [${d.channelId}] ${d.state.replace('_', '-')}: "${d.article.title}"${where ? ` → ${where}` : ''}`);
      out(`    ${d.article.link}`);
      for (const a of attemptsOf(db, d.id)) {
        out(`    attempt ${a.n} at ${when(a.startedAt)}: ${a.outcome ?? 'in flight'}${a.detail ? ` — ${a.detail}` : ''}`);
      }
    }
    return 0;
  } finally {
    db.close();
  }
}
