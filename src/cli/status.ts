import { channelPlanInput } from '../delivery/channel-plan.ts';
import type { ChannelRuntime } from '../delivery/channels.ts';
import type { ChannelQueue } from '../delivery/outbox.ts';
import { longestWindowSeconds } from '../delivery/pacing.ts';
import { plannedOrder } from '../delivery/planner.ts';
import type { AttemptRecord, ChannelState, Delivery, DeliveryState } from '../delivery/types.ts';
import { dueAt } from '../delivery/worker.ts';
import type { CredentialRow } from '../auth/credential-store.ts';
import { expiryConcern } from '../auth/expiry-concern.ts';
import { renewsItself } from '../auth/oauth-tokens.ts';
import { UserError } from '../errors.ts';
import type { FeedState } from '../feeds/ledger.ts';
import { consoleChannels } from '../http/console-channel.ts';
import type { WorkerInfo } from '../scheduler/leases.ts';
import type { Store } from '../store/store.ts';
import { loadApp, openStore, type GlobalOptions } from './context.ts';
import { when } from './format.ts';
import { hintFor } from './hints.ts';

export interface StatusOptions extends GlobalOptions {
  json?: boolean;
}

/** How many of a channel's queued posts `status` lists in planned order. */
const PLANNED_SHOWN = 10;

/** A queued post in the planner's order: when it is expected to go out, or to expire instead. */
interface PlannedPost {
  id: number;
  title: string;
  priority: number;
  at: number | null;
  expiresAt: number | null;
}

/** One channel as `status --json` shows it. */
interface ChannelStatus {
  id: string;
  platform: string;
  dryRun: boolean;
  queued: number;
  nextDueAt: number | null;
  /** The first queued posts in planned order (edits, which go before them unplanned, are not listed). */
  planned: PlannedPost[];
  /** `paused` (credentials refused), `unavailable` (its adapter could not start), `rate-limited`, or null. */
  blocked: 'paused' | 'unavailable' | 'rate-limited' | null;
  reason: string | null;
  blockedUntil: number | null;
  /** The stored credential (null: the channel's keys are in the config). */
  credential: CredentialStatus | null;
}

interface CredentialStatus {
  kind: string;
  account: string | null;
  expiresAt: number | null;
  refreshedAt: number | null;
  renewsItself: boolean;
  /** Set when it expires within 7 days and cannot renew itself (or, a long-lived token, has not been renewed when due). */
  warning: string | null;
}

function credentialStatus(row: CredentialRow | undefined, now: number): CredentialStatus | null {
  if (!row) return null;
  const why = row.expiresAt === undefined ? undefined : expiryConcern({ ...row, expiresAt: row.expiresAt }, now);
  return {
    kind: row.kind,
    account: row.account ?? null,
    expiresAt: row.expiresAt ?? null,
    refreshedAt: row.refreshedAt ?? null,
    renewsItself: renewsItself(row.kind),
    warning: why ? `${row.expiresAt! <= now ? 'EXPIRED' : 'EXPIRES'} ${when(row.expiresAt, now)} and ${why}: run \`herald auth ${row.channelId}\`` : null,
  };
}

/** `herald status`: feeds, channels, queue and workers, and every delivery that needs the operator. Exit 1 when something does. */
export async function statusCommand(opts: StatusOptions): Promise<number> {
  const app = loadApp(opts, { offline: true });
  const store = await openStore(app, { mustExist: true });
  try {
    const now = Date.now();
    const feedStates = new Map((await store.feedStates()).map((s) => [s.id, s]));
    const channelStates = new Map((await store.channelStates()).map((s) => [s.id, s]));
    const credentials = new Map((await store.credentials()).map((r) => [r.channelId, r]));
    const channels: ChannelStatus[] = [];
    for (const c of app.channels) {
      const queue = await store.channelQueue(c.id, now, now - longestWindowSeconds(c.pacing) * 1000);
      const planned = await plannedPosts(store, c, queue, now);
      const next = queue.next?.kind === 'edit' ? dueAt(c, queue, now) : (planned.find((p) => p.at !== null)?.at ?? undefined);
      channels.push({
        ...channelStatus(c, channelStates.get(c.id) ?? { id: c.id }, queue.pending, next ?? queue.earliestDueAt, planned, now),
        credential: credentialStatus(credentials.get(c.id), now),
      });
    }
    const needs = {
      held: await store.deliveries({ states: ['held'] }),
      review: await withPosts(app.channels, await store.deliveries({ states: ['review'] })),
      failed: await store.deliveries({ states: ['failed'] }),
      inDoubt: await store.deliveries({ states: ['in_doubt'] }),
    };
    const feeds = app.loaded.config.feeds.map((f) => feedStates.get(f.id) ?? { id: f.id, cache: {}, failures: 0 });
    const workers = await store.workers(now);
    const counts = await store.countByState();
    const trouble =
      needs.failed.length + needs.inDoubt.length + needs.held.length > 0 ||
      channels.some((c) => c.blocked === 'paused' || c.blocked === 'unavailable' || c.credential?.warning) ||
      feeds.some((f) => f.failures > 0);

    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ ok: !trouble, store: store.kind, feeds: feeds.map(feedJson), channels, workers, counts, needs: mapValues(needs, (ds) => ds.map(deliveryJson)) }, null, 2)}\n`);
      return trouble ? 1 : 0;
    }
    printStatus({ feeds, channels, workers, counts, needs, storeKind: store.kind }, now);
    return trouble ? 1 : 0;
  } finally {
    await store.close();
  }
}

/** The channel's queued posts as the worker would send them if nothing new arrived: the first few, with what expires before them. */
async function plannedPosts(store: Store, channel: ChannelRuntime, queue: ChannelQueue, now: number): Promise<PlannedPost[]> {
  if (queue.pending === 0) return [];
  const order = plannedOrder(channelPlanInput(channel, queue, await store.plannerEntries(channel.id), now), PLANNED_SHOWN);
  const pending = new Map((await store.deliveries({ channelId: channel.id, states: ['pending'] })).map((d) => [d.id, d]));
  return order.slice(0, PLANNED_SHOWN).map((p) => ({
    id: p.id,
    title: pending.get(p.id)?.article.title ?? '',
    priority: pending.get(p.id)?.priority ?? 0,
    at: 'at' in p ? p.at : null,
    expiresAt: 'expiresAt' in p ? p.expiresAt : null,
  }));
}

/** Deliveries waiting for review, each with the post it would send (rendered now when not yet fixed). */
async function withPosts(channels: ChannelRuntime[], deliveries: Delivery[]): Promise<Delivery[]> {
  const rendering = consoleChannels(channels);
  return Promise.all(
    deliveries.map(async (d) => {
      const channel = rendering.find((c) => c.id === d.channelId);
      const outcome = channel ? await channel.postOf(d) : undefined;
      return outcome?.ok ? { ...d, rendered: outcome.post } : { ...d, lastError: outcome?.reason ?? `channel ${d.channelId} is no longer in the config` };
    }),
  );
}

function channelStatus(
  channel: ChannelRuntime,
  s: ChannelState,
  queued: number,
  next: number | undefined,
  planned: PlannedPost[],
  now: number,
): Omit<ChannelStatus, 'credential'> {
  const blockedNow = s.blockedUntil !== undefined && s.blockedUntil > now;
  const blocked = s.pausedReason ? 'paused' : blockedNow ? (s.blockedCode === 'unavailable' ? 'unavailable' : 'rate-limited') : null;
  return {
    id: channel.id,
    platform: channel.config.platform,
    dryRun: channel.config.dryRun,
    queued,
    nextDueAt: next ?? null,
    planned,
    blocked,
    reason: s.pausedReason ?? (blockedNow ? (s.blockedReason ?? null) : null),
    blockedUntil: blockedNow ? s.blockedUntil! : null,
  };
}

function printStatus(
  v: { feeds: FeedState[]; channels: ChannelStatus[]; workers: WorkerInfo[]; counts: Record<DeliveryState, number>; needs: Record<string, Delivery[]>; storeKind: string },
  now: number,
): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out('Feeds');
  for (const s of v.feeds) {
    if (s.lastPollAt === undefined) {
      out(`  ${s.id}: never polled`);
      continue;
    }
    const health = s.lastError ? `FAILING (${s.failures}×): ${s.lastError}; next poll after ${when(s.nextPollAt, now)}` : 'ok';
    out(`  ${s.id}: last poll ${when(s.lastPollAt, now)}, last success ${when(s.lastOkAt, now)} — ${health}`);
  }
  out('Channels');
  for (const c of v.channels) {
    const flags = [
      c.dryRun ? 'dry run' : undefined,
      c.blocked === 'paused' ? `PAUSED: ${c.reason} — fix the credentials, then \`herald resume ${c.id}\`` : undefined,
      c.blocked === 'unavailable' ? `UNAVAILABLE until ${when(c.blockedUntil!, now)}: ${c.reason ?? 'its adapter could not start'}` : undefined,
      c.blocked === 'rate-limited' ? `rate-limited until ${when(c.blockedUntil!, now)}` : undefined,
    ].filter(Boolean);
    out(`  ${c.id} (${c.platform}): ${c.queued} queued${c.queued && c.nextDueAt ? `, next due ${when(c.nextDueAt, now)}` : ''}${flags.length ? ` — ${flags.join('; ')}` : ''}`);
    if (c.credential) out(`    credential: ${describeCredential(c.credential, now)}`);
    for (const p of c.planned) {
      const plan = p.at !== null ? `goes ${when(p.at, now)}` : `expires ${when(p.expiresAt!, now)}, too old to send`;
      out(`    #${p.id} ${plan}: "${p.title}" (priority ${p.priority})`);
    }
    const unlisted = c.queued - c.planned.length;
    if (c.planned.length > 0 && unlisted > 0) out(`    … and ${unlisted} more queued`);
  }
  if (v.storeKind === 'postgres' || v.workers.length > 0) {
    out('Workers');
    if (v.workers.length === 0) out('  none running');
    for (const w of v.workers) {
      out(`  ${w.host} pid ${w.pid} (since ${when(w.startedAt, now)}, seen ${when(w.heartbeatAt, now)}): channels ${w.channels.join(', ') || '-'}; polling ${w.feeds.join(', ') || '-'}`);
    }
  }
  out(`Deliveries: ${(Object.keys(v.counts) as DeliveryState[]).map((k) => `${v.counts[k]} ${k.replace('_', '-')}`).join(', ')}`);
  section(out, 'Held by the flood guard (`herald release FEED` or `herald skip --held`)', v.needs.held!);
  section(out, `Waiting for review (\`herald approve ID\`, \`herald approve --channel C --all\` or \`herald reject ID\`)`, v.needs.review!, true);
  section(out, 'Failed (`herald retry ID` or `herald retry --failed`)', v.needs.failed!);
  section(out, 'In doubt: may or may not be on the platform; check, then `herald retry ID` or `herald skip ID`', v.needs.inDoubt!);
}

function describeCredential(c: CredentialStatus, now: number): string {
  const parts = [
    `${c.kind}${c.account ? ` as ${c.account}` : ''}`,
    c.expiresAt !== null ? `${c.renewsItself ? 'access token until' : 'expires'} ${when(c.expiresAt, now)}` : undefined,
    c.refreshedAt !== null ? `last renewed ${when(c.refreshedAt, now)}` : undefined,
    c.renewsItself ? 'renews itself' : undefined,
    c.warning ?? undefined,
  ];
  return parts.filter(Boolean).join(', ');
}

function section(out: (line: string) => void, title: string, items: Delivery[], withText = false): void {
  if (items.length === 0) return;
  out(`${title}:`);
  for (const d of items) {
    out(`  #${d.id} [${d.channelId}] "${d.article.title}"${d.lastError ? ` — ${d.lastError}` : ''}`);
    if (withText && d.rendered) out(d.rendered.text.split('\n').map((l) => `      │ ${l}`).join('\n'));
  }
}

export interface HistoryOptions extends GlobalOptions {
  channel?: string;
  limit?: string;
  json?: boolean;
}

/** `herald history`: deliveries, newest first, with remote URLs and every attempt's outcome. */
export async function historyCommand(opts: HistoryOptions): Promise<number> {
  const app = loadApp(opts, { offline: true });
  const limit = opts.limit === undefined ? 50 : Number(opts.limit);
  if (!/^\d+$/.test(opts.limit ?? '50') || limit < 1) throw new UserError(`--limit must be a whole number of 1 or more, not "${opts.limit}"`, 'e.g. `herald history --limit 20`');
  if (opts.channel && !app.channels.some((c) => c.id === opts.channel)) {
    throw new UserError(`no channel "${opts.channel}" in the config`, `channels: ${app.channels.map((c) => c.id).join(', ')}`);
  }
  const store = await openStore(app, { mustExist: true });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const deliveries = await store.deliveries({ channelId: opts.channel, limit });
    const attempts = await store.attempts(deliveries.map((d) => d.id));
    if (opts.json) {
      out(JSON.stringify(deliveries.map((d) => ({ ...deliveryJson(d), attempts: (attempts.get(d.id) ?? []).map(attemptJson) })), null, 2));
      return 0;
    }
    if (deliveries.length === 0) out('no deliveries yet');
    for (const d of deliveries) {
      const where = d.remoteUrl ?? d.remoteId ?? (d.dryRun ? 'dry run: not sent' : '');
      const kind = d.kind === 'edit' ? `edit of #${d.targetId ?? '?'} ` : '';
      out(`#${d.id} [${d.channelId}] ${kind}${d.state.replace('_', '-')}: "${d.article.title}"${where ? ` → ${where}` : ''}`);
      out(`    ${d.article.link}`);
      const tried = attempts.get(d.id) ?? [];
      for (const a of tried) {
        out(`    attempt ${a.n} at ${when(a.startedAt)}: ${a.outcome ?? 'in flight'}${a.httpStatus ? ` (HTTP ${a.httpStatus})` : ''}${a.detail ? ` — ${a.detail}` : ''}`);
      }
      // Settled without an attempt (a correction the platform cannot apply, a post that cannot be rendered): why.
      if (tried.length === 0 && d.lastError) out(`    ${d.lastError}`);
      const hint = hintFor(d);
      if (hint) out(`    → ${hint}`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

function feedJson(f: FeedState) {
  return {
    id: f.id,
    lastPollAt: f.lastPollAt ?? null,
    lastOkAt: f.lastOkAt ?? null,
    failures: f.failures,
    lastError: f.lastError ?? null,
    nextPollAt: f.nextPollAt ?? null,
  };
}

/** A delivery in `status --json` and `history --json` (README: "JSON output"). */
function deliveryJson(d: Delivery) {
  return {
    id: d.id,
    kind: d.kind,
    channel: d.channelId,
    feed: d.feedId,
    state: d.state,
    title: d.article.title,
    link: d.article.link,
    text: d.rendered?.text ?? null,
    remoteId: d.remoteId ?? null,
    remoteUrl: d.remoteUrl ?? null,
    attempts: d.attempts,
    lastError: d.lastError ?? null,
    lastCode: d.lastCode ?? null,
    hint: hintFor(d) ?? null,
  };
}

function attemptJson(a: AttemptRecord) {
  return { n: a.n, startedAt: a.startedAt, finishedAt: a.finishedAt ?? null, outcome: a.outcome ?? null, code: a.code ?? null, httpStatus: a.httpStatus ?? null, detail: a.detail ?? null };
}

function mapValues<T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}
