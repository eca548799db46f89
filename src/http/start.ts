import type { Logger } from 'pino';
import type { HttpConfig } from '../config/http-schema.ts';
import type { ChannelRuntime } from '../delivery/channels.ts';
import type { Redactor } from '../redact.ts';
import { consoleChannels } from './console-channel.ts';
import type { ConsoleStore, CredentialExpiries } from './console-store.ts';
import { parseListen } from './listen.ts';
import type { HeraldMetrics } from './metrics.ts';
import { createHttpApp, startHttpServer, type RunningHttpServer } from './server.ts';

export interface ConsoleServerOptions {
  http: HttpConfig;
  store: ConsoleStore;
  credentials?: CredentialExpiries;
  channels: ChannelRuntime[];
  feedIds: string[];
  metrics: HeraldMetrics;
  schedulerRunning: () => boolean;
  logger: Logger;
  redact: Redactor;
}

/** What `herald run` starts when `http` is configured: the console, API and metrics on `http.listen`. */
export async function startConsoleServer(opts: ConsoleServerOptions): Promise<RunningHttpServer> {
  const address = parseListen(opts.http.listen);
  const token = opts.http.token;
  // The config schema guarantees both; checked again because an empty token would open the console.
  if (!address || !token) throw new Error('http: needs listen (HOST:PORT) and a token; run `herald validate`');
  const app = createHttpApp({
    store: opts.store,
    ...(opts.credentials && { credentials: opts.credentials }),
    channels: consoleChannels(opts.channels),
    feedIds: opts.feedIds,
    token,
    metrics: opts.metrics,
    schedulerRunning: opts.schedulerRunning,
    logger: opts.logger,
    redact: opts.redact,
  });
  const server = await startHttpServer(app, address);
  opts.logger.info({ url: server.url }, 'console, API and metrics listening');
  return server;
}
