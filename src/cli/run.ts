import { AlertChecks } from '../alerts/alert-checks.ts';
import { alertNotifierFor } from '../alerts/from-config.ts';
import { SEND_TIMEOUT_MS } from '../delivery/worker.ts';
import { HeraldMetrics } from '../http/metrics.ts';
import type { RunningHttpServer } from '../http/server.ts';
import { startConsoleServer } from '../http/start.ts';
import { Daemon } from '../scheduler/daemon.ts';
import { WorkerSession } from '../scheduler/worker-session.ts';
import { loadApp, openStore, type App, type GlobalOptions } from './context.ts';
import { onStopSignal } from './signals.ts';

const SHUTDOWN_GRACE_MS = 30_000;

/**
 * `herald run`: the daemon, with the console, API and metrics when `http` is configured and
 * alert checks when `alerts` is. SIGINT/SIGTERM finish in-flight sends, close the port and
 * exit 0; a second signal exits at once.
 */
export async function runCommand(opts: GlobalOptions): Promise<number> {
  const app = loadApp(opts);
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    const signals = onStopSignal((signal) => resolve(signal));
    process.once('exit', () => signals.dispose());
  });
  const stopped = stopSignal.then(() => undefined);
  const store = await untilReachable(app, () => openStore(app), stopped);
  if (!store) return 0;
  const { config } = app.loaded;
  const metrics = new HeraldMetrics({ store, credentials: store, channelIds: app.channels.map((c) => c.id) });
  const session = new WorkerSession(store, app.channels, {
    logger: app.logger,
    redact: app.redact,
    sendTimeoutMs: SEND_TIMEOUT_MS,
    onEvent: (e) => {
      if (e.sendSeconds !== undefined) metrics.sendFinished(e.delivery.channelId, e.sendSeconds);
    },
  });
  const notifier = alertNotifierFor(config, { channels: app.channels, store, logger: app.logger });
  const alerts = notifier && config.alerts && new AlertChecks(notifier, Math.min(config.alerts.batchSeconds, config.alerts.minIntervalSeconds) * 1000, app.logger, app.redact);
  const daemon = new Daemon(store, session, {
    feeds: config.feeds,
    channels: app.channels,
    polling: app.loaded.config.polling,
    baseDir: app.loaded.dir,
    userAgent: app.userAgent,
    logger: app.logger,
    redact: app.redact,
    shutdownGraceMs: SHUTDOWN_GRACE_MS,
    onPoll: (result) => metrics.pollFinished(result.feedId, !result.ok ? 'failed' : result.notModified ? 'not_modified' : 'changed'),
    ...(alerts && { onCycle: () => alerts.poke() }),
  });
  let http: RunningHttpServer | undefined;
  try {
    if (config.http) {
      http = await startConsoleServer({
        http: config.http,
        store,
        credentials: store,
        channels: app.channels,
        feedIds: config.feeds.map((f) => f.id),
        metrics,
        schedulerRunning: () => daemon.running,
        logger: app.logger,
        redact: app.redact,
      });
    }
    if (!(await untilReachable(app, () => session.start().then(() => true), stopped))) return 0;
    daemon.start();
    const signal = await stopSignal;
    app.logger.info({ signal }, 'stopping: finishing sends under way (a second signal stops at once)');
    await alerts?.stop();
    await daemon.stop();
  } finally {
    await http?.close();
    await store.close();
  }
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
