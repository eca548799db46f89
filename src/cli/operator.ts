import { UserError } from '../errors.ts';
import type { ActionResult } from '../operator/actions.ts';
import type { Store } from '../store/store.ts';
import { loadApp, openStore, type App, type GlobalOptions } from './context.ts';

export type Action = 'retry' | 'skip' | 'release' | 'resume' | 'approve' | 'reject';

export interface OperatorOptions extends GlobalOptions {
  failed?: boolean;
  held?: boolean;
  channel?: string;
  all?: boolean;
}

/** `herald retry|skip|release|resume|approve|reject`: operator decisions, each confirmed in one line. Exit 1 when it did not apply. */
export async function operatorCommand(action: Action, target: string | undefined, opts: OperatorOptions): Promise<number> {
  const app = loadApp(opts, { offline: true });
  const decision = parse(app, action, target, opts);
  const store = await openStore(app, { mustExist: true });
  try {
    const result = await decision(store, Date.now());
    const message = describe(action, target, result);
    const ok = result.code === 'done' || (result.code === 'nothing' && action !== 'release');
    (ok ? process.stdout : process.stderr).write(ok ? `${message}\n` : `herald: ${message}\n`);
    return ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

type Decision = (store: Store, now: number) => Promise<ActionResult>;

/** Checks the arguments before the store is opened: a usage error touches nothing. */
function parse(app: App, action: Action, target: string | undefined, opts: OperatorOptions): Decision {
  const bulk = (flag: string) => {
    if (target !== undefined) throw new UserError(`${action} takes a delivery id or ${flag}, not both`, `\`herald ${action} ${target}\` for that one, or \`herald ${action} ${flag}\``);
  };
  switch (action) {
    case 'retry':
      if (opts.failed) return bulk('--failed'), (s, now) => s.retryFailed(now);
      return deliveryAction(target, action, '--failed', (s, id, now) => s.retry(id, now));
    case 'skip':
      if (opts.held) return bulk('--held'), (s, now) => s.skipHeld(now);
      return deliveryAction(target, action, '--held', (s, id, now) => s.skip(id, now));
    case 'approve':
      if (opts.channel || opts.all) {
        bulk('--channel C --all');
        const channel = knownChannel(app, opts.channel, action);
        if (!opts.all) throw new UserError('approve --channel needs --all (approve every post waiting on that channel)', `herald approve --channel ${channel} --all`);
        return (s, now) => s.approveChannel(channel, now);
      }
      return deliveryAction(target, action, '--channel C --all', (s, id, now) => s.approve(id, now));
    case 'reject':
      return deliveryAction(target, action, undefined, (s, id, now) => s.reject(id, now));
    case 'release': {
      if (!target || !app.loaded.config.feeds.some((f) => f.id === target)) {
        throw new UserError(`release needs a feed id from the config, got "${target ?? ''}"`, `feeds: ${app.loaded.config.feeds.map((f) => f.id).join(', ')}`);
      }
      return (s, now) => s.release(target, now);
    }
    case 'resume': {
      const channel = knownChannel(app, target, action);
      return (s) => s.resume(channel);
    }
  }
}

function knownChannel(app: App, id: string | undefined, action: string): string {
  if (!id || !app.channels.some((c) => c.id === id)) {
    throw new UserError(`${action} needs a channel id from the config, got "${id ?? ''}"`, `channels: ${app.channels.map((c) => c.id).join(', ')}`);
  }
  return id;
}

function deliveryAction(target: string | undefined, action: string, bulk: string | undefined, run: (s: Store, id: number, now: number) => Promise<ActionResult>): Decision {
  if (!target || !/^#?\d+$/.test(target) || Number(target.replace('#', '')) < 1) {
    throw new UserError(`${action} needs a delivery id (a number from \`herald status\` or \`herald history\`)${bulk ? ` or ${bulk}` : ''}${target ? `, not "${target}"` : ''}`);
  }
  const id = Number(target.replace('#', ''));
  return (s, now) => run(s, id, now);
}

const DONE: Record<Action, string> = {
  retry: 'queued again',
  skip: 'skipped: it will not be sent',
  approve: 'approved: it goes out within the channel\'s hours, spacing and quotas',
  reject: 'rejected: it will not be sent',
  release: 'released',
  resume: 'resumed',
};

const APPLIES_TO: Partial<Record<Action, string>> = {
  retry: 'only failed or in-doubt deliveries can be retried',
  skip: 'only pending, held, review, failed or in-doubt deliveries can be skipped',
  approve: 'only deliveries waiting for review can be approved',
  reject: 'only deliveries waiting for review can be rejected',
};

function describe(action: Action, target: string | undefined, r: ActionResult): string {
  const d = r.delivery;
  const which = d ? `delivery ${d.id} (${d.channelId}: "${d.title}")` : '';
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? 'y' : 'ies'}`;
  switch (r.code) {
    case 'not-found':
      return `no delivery ${String(target).replace('#', '')} in the store — \`herald history\` lists the deliveries and their ids`;
    case 'wrong-state':
      return `delivery ${d!.id} is ${d!.state.replace('_', '-')} — ${APPLIES_TO[action]}`;
    case 'nothing':
      if (action === 'resume') return `channel ${target} was not paused`;
      if (action === 'release') return `feed ${target} has nothing held — \`herald status\` shows what is held, and where`;
      if (action === 'approve') return 'nothing waiting for review on that channel';
      return `0 ${action === 'retry' ? 'failed' : 'held'} deliveries ${action === 'retry' ? 'queued again' : 'skipped'}`;
    case 'done':
      if (d) return `${which} ${DONE[action]}`;
      if (action === 'resume') return `channel ${target} resumed: its queue goes out with the next run`;
      if (action === 'release') return `${plural(r.count, 'held deliver')} of feed ${target} released: they go out with the next run`;
      if (action === 'approve') return `${plural(r.count, 'deliver')} approved`;
      return `${plural(r.count, action === 'retry' ? 'failed deliver' : 'held deliver')} ${action === 'retry' ? 'queued again' : 'skipped'}`;
  }
}
