import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import { OperationalError } from '../errors.ts';
import { makeRedactor, type Redactor } from '../redact.ts';
import { apiRoutes } from './api-routes.ts';
import type { ConsoleChannel } from './console-channel.ts';
import { consoleRoutes } from './console-routes.ts';
import type { ConsoleStore, CredentialExpiries } from './console-store.ts';
import type { ListenAddress } from './listen.ts';
import type { HeraldMetrics } from './metrics.ts';

export interface HttpDeps {
  store: ConsoleStore;
  credentials?: CredentialExpiries;
  channels: ConsoleChannel[];
  feedIds: string[];
  token: string;
  metrics: HeraldMetrics;
  /** Whether the scheduler is running (for `/readyz`). */
  schedulerRunning: () => boolean;
  logger: Logger;
  redact: Redactor;
  now?: () => number;
}

const STYLESHEET = readFileSync(new URL('./console/console.css', import.meta.url), 'utf8');

/** Every response body passes the redactor, with the token itself among the secrets: nothing served contains one. */
function redactBodies(redact: Redactor, token: string) {
  const withToken = makeRedactor([token]);
  return async (c: Context, next: () => Promise<void>) => {
    await next();
    const type = c.res.headers.get('content-type') ?? '';
    if (!/^(text\/|application\/json)/.test(type)) return;
    const text = await c.res.text();
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    c.res = new Response(withToken(redact(text)), { status: c.res.status, headers });
  };
}

/** The console, API, metrics and health checks on one Hono app. */
export function createHttpApp(deps: HttpDeps): Hono {
  const now = deps.now ?? Date.now;
  const app = new Hono();
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'https:', 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      xFrameOptions: 'DENY',
      referrerPolicy: 'same-origin',
    }),
  );
  app.use('*', redactBodies(deps.redact, deps.token));
  app.use('*', async (c, next) => {
    await next();
    if (!c.res.headers.has('cache-control')) c.header('Cache-Control', 'no-store');
  });

  app.get('/healthz', (c) => c.text('ok\n'));
  app.get('/readyz', async (c) => {
    const store = await deps.store.ping().then(
      () => 'ok',
      (err: unknown) => `store not answering: ${(err as Error).message}`,
    );
    const scheduler = deps.schedulerRunning() ? 'ok' : 'scheduler not running';
    const ready = store === 'ok' && scheduler === 'ok';
    return c.text(`store: ${store}\nscheduler: ${scheduler}\n`, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const body = await deps.metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': deps.metrics.registry.contentType });
  });
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/console.css', (c) => c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'max-age=300' }));

  const shared = { ...deps, now };
  app.route('/api', apiRoutes(shared));
  app.route('/', consoleRoutes(shared));

  app.onError((err, c) => {
    if (err instanceof HTTPException && err.status === 403) {
      return c.text('This request came from another site (its Origin is not this console), so nothing was done. Use the console itself.', 403);
    }
    deps.logger.error({ err: deps.redact(err.stack ?? err.message), path: c.req.path }, 'console request failed');
    const message = `Herald could not answer ${c.req.method} ${c.req.path}: ${deps.redact(err.message)}. The log has the details; /readyz says whether the store answers.`;
    return c.req.path.startsWith('/api/') ? c.json({ error: message }, 500) : c.text(message, 500);
  });
  return app;
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on `address`; rejects with what went wrong (port taken, address not on this machine). */
export function startHttpServer(app: Hono, address: ListenAddress): Promise<RunningHttpServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType;
    const failed = (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the port is taken by another program' : err.code === 'EADDRNOTAVAIL' ? 'the address is not one of this machine' : err.message;
      reject(new OperationalError(`cannot listen on ${address.host}:${address.port}: ${why}`, 'change http.listen, or stop the program that uses the port'));
    };
    server = serve({ fetch: app.fetch, hostname: address.host, port: address.port }, (info: AddressInfo) => {
      server.off('error', failed);
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', failed);
  });
}
