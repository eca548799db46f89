import { UserError } from '../errors.ts';
import { resumeChannel } from '../store/channel-state.ts';
import { releaseFeed, retryAllFailed, retryDelivery, skipAllHeld, skipDelivery, type ActionResult } from '../store/operator.ts';
import { loadApp, openStore, type GlobalOptions } from './context.ts';

type Action = 'retry' | 'skip' | 'release' | 'resume';

export interface OperatorOptions extends GlobalOptions {
  failed?: boolean;
  held?: boolean;
}

/** `herald retry|skip|release|resume`: operator decisions, each confirmed in one line. */
export function operatorCommand(action: Action, target: string | undefined, opts: OperatorOptions): number {
  const app = loadApp(opts, { offline: true });
  const db = openStore(app);
  const now = Date.now();
  try {
    const result = decide(action, target, opts, now, db);
    (result.ok ? process.stdout : process.stderr).write(`${result.message}\n`);
    return result.ok ? 0 : 1;
  } finally {
    db.close();
  }

  function decide(action: Action, target: string | undefined, opts: OperatorOptions, now: number, db: ReturnType<typeof openStore>): ActionResult {
    switch (action) {
      case 'retry':
        if (opts.failed) return retryAllFailed(db, now);
        return retryDelivery(db, deliveryId(target, 'retry', '--failed'), now);
      case 'skip':
        if (opts.held) return skipAllHeld(db, now);
        return skipDelivery(db, deliveryId(target, 'skip', '--held'), now);
      case 'release':
        if (!target || !app.loaded.config.feeds.some((f) => f.id === target)) {
          throw new UserError(`release needs a feed id from the config, got "${target ?? ''}"`, `feeds: ${app.loaded.config.feeds.map((f) => f.id).join(', ')}`);
        }
        return releaseFeed(db, target, now);
      case 'resume':
        if (!target || !app.channels.some((c) => c.id === target)) {
          throw new UserError(`resume needs a channel id from the config, got "${target ?? ''}"`);
        }
        return resumeChannel(db, target)
          ? { ok: true, message: `channel ${target} resumed: its queue goes out with the next run` }
          : { ok: true, message: `channel ${target} was not paused` };
    }
  }
}

function deliveryId(target: string | undefined, action: string, bulk: string): number {
  const id = Number(target);
  if (!target || !Number.isInteger(id) || id < 1) {
    throw new UserError(`${action} needs a delivery id (a number from \`herald status\` or \`herald history\`) or ${bulk}`);
  }
  return id;
}
