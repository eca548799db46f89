import { Daemon } from '../scheduler/daemon.ts';
import { loadApp, openStore, type GlobalOptions } from './context.ts';
import { SEND_TIMEOUT_MS } from '../delivery/worker.ts';

const SHUTDOWN_GRACE_MS = 30_000;

/** `herald run`: the daemon. SIGINT/SIGTERM finish in-flight sends and exit 0; a second signal exits at once. */
export async function runCommand(opts: GlobalOptions): Promise<number> {
  const app = loadApp(opts);
  const db = openStore(app);
  const daemon = new Daemon(db, {
    db,
    feeds: app.loaded.config.feeds,
    channels: app.channels,
    baseDir: app.loaded.dir,
    userAgent: app.userAgent,
    logger: app.logger,
    redact: app.redact,
    sendTimeoutMs: SEND_TIMEOUT_MS,
    shutdownGraceMs: SHUTDOWN_GRACE_MS,
  });
  daemon.start();
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  app.logger.info({ signal }, 'stopping: finishing sends under way (a second signal stops at once)');
  const again = () => process.exit(130);
  process.once('SIGINT', again);
  process.once('SIGTERM', again);
  await daemon.stop();
  db.close();
  app.logger.info('stopped');
  return 0;
}
