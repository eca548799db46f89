import { SEND_TIMEOUT_MS } from '../delivery/worker.ts';
import { Daemon } from '../scheduler/daemon.ts';
import { WorkerSession } from '../scheduler/worker-session.ts';
import { loadApp, openStore, type GlobalOptions } from './context.ts';
import { onStopSignal } from './signals.ts';

const SHUTDOWN_GRACE_MS = 30_000;

/** `herald run`: the daemon. SIGINT/SIGTERM finish in-flight sends and exit 0; a second signal exits at once. */
export async function runCommand(opts: GlobalOptions): Promise<number> {
  const app = loadApp(opts);
  const store = await openStore(app);
  const session = new WorkerSession(store, app.channels, { logger: app.logger, redact: app.redact, sendTimeoutMs: SEND_TIMEOUT_MS });
  const daemon = new Daemon(store, session, {
    feeds: app.loaded.config.feeds,
    channels: app.channels,
    baseDir: app.loaded.dir,
    userAgent: app.userAgent,
    logger: app.logger,
    redact: app.redact,
    shutdownGraceMs: SHUTDOWN_GRACE_MS,
  });
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    const signals = onStopSignal((signal) => resolve(signal));
    process.once('exit', () => signals.dispose());
  });
  await session.start();
  daemon.start();
  const signal = await stopSignal;
  app.logger.info({ signal }, 'stopping: finishing sends under way (a second signal stops at once)');
  await daemon.stop();
  await store.close();
  app.logger.info('stopped');
  return 0;
}
