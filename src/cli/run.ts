import { SEND_TIMEOUT_MS } from '../delivery/worker.ts';
import { Daemon } from '../scheduler/daemon.ts';
import { WorkerSession } from '../scheduler/worker-session.ts';
import { loadApp, openStore, type App, type GlobalOptions } from './context.ts';
import { onStopSignal } from './signals.ts';

const SHUTDOWN_GRACE_MS = 30_000;

/** `herald run`: the daemon. SIGINT/SIGTERM finish in-flight sends and exit 0; a second signal exits at once. */
export async function runCommand(opts: GlobalOptions): Promise<number> {
  const app = loadApp(opts);
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    const signals = onStopSignal((signal) => resolve(signal));
    process.once('exit', () => signals.dispose());
  });
  const stopped = stopSignal.then(() => undefined);
  const store = await untilReachable(app, () => openStore(app), stopped);
  if (!store) return 0;
  const session = new WorkerSession(store, app.channels, { logger: app.logger, redact: app.redact, sendTimeoutMs: SEND_TIMEOUT_MS });
  const daemon = new Daemon(store, session, {
    feeds: app.loaded.config.feeds,
    channels: app.channels,
    polling: app.loaded.config.polling,
    baseDir: app.loaded.dir,
    userAgent: app.userAgent,
    logger: app.logger,
    redact: app.redact,
    shutdownGraceMs: SHUTDOWN_GRACE_MS,
  });
  if (!(await untilReachable(app, () => session.start().then(() => true), stopped))) {
    await store.close();
    return 0;
  }
  daemon.start();
  const signal = await stopSignal;
  app.logger.info({ signal }, 'stopping: finishing sends under way (a second signal stops at once)');
  await daemon.stop();
  await store.close();
  app.logger.info('stopped');
  return 0;
}

/** Back-off while the store cannot be reached: from 1 s, doubling, at most this long. */
const STORE_RETRY_CAP_MS = 30_000;

/**
 * Runs `attempt` until it succeeds: a store that cannot be reached (PostgreSQL down or
 * restarting) is retried with backoff, every other failure is thrown. Undefined when a stop
 * signal came first.
 */
async function untilReachable<T>(app: App, attempt: () => Promise<T>, stopped: Promise<undefined>): Promise<T | undefined> {
  for (let wait = 1000; ; wait = Math.min(STORE_RETRY_CAP_MS, wait * 2)) {
    try {
      return await attempt();
    } catch (err) {
      if (!(await isUnavailable(err))) throw err;
      app.logger.warn({ err: app.redact(err instanceof Error ? err.message : String(err)), retryInMs: wait }, 'store unavailable; retrying');
    }
    let timer: NodeJS.Timeout | undefined;
    const slept = await Promise.race([new Promise<'slept'>((resolve) => (timer = setTimeout(() => resolve('slept'), wait))), stopped]);
    clearTimeout(timer);
    if (slept !== 'slept') return undefined;
  }
}

async function isUnavailable(err: unknown): Promise<boolean> {
  const { isStoreUnavailable } = await import('../store/postgres/errors.ts');
  return isStoreUnavailable(err);
}
