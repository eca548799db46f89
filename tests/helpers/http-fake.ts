/**
 * A real HTTP server on 127.0.0.1 for tests: feeds and platform APIs alike are faked with
 * this one helper, and the real client libraries are pointed at `fake.url`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A port (and URL) nothing answers: connections are refused. Port 2 (a privileged port no service here
 * uses) is never given to a test's server, where the port of a closed fake now and then is,
 * which then answers for it; unlike port 1, fetch does not refuse it as a "bad port" itself.
 */
export const REFUSED_PORT = 2;
export const REFUSED_URL = `http://127.0.0.1:${REFUSED_PORT}`;

export interface FakeRequest {
  method: string;
  /** Path with query string, as received. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  /** Parsed application/x-www-form-urlencoded body, when it is one. */
  form?: URLSearchParams;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
}

/**
 * A route answers with a response, or takes over the raw response itself (for trickling,
 * hanging or cutting the connection) and returns undefined.
 */
export type Handler = (
  req: FakeRequest,
  res: http.ServerResponse,
) => FakeResponse | undefined | Promise<FakeResponse | undefined>;

export interface HttpFake {
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: FakeRequest[];
  /** Adds or replaces the handler for "METHOD /path" (path without the query string). */
  route(method: string, path: string, handler: Handler): void;
  /** The handler for anything no route matches (default: 404 JSON). */
  fallback(handler: Handler): void;
  close(): Promise<void>;
}

export async function startFake(): Promise<HttpFake> {
  const routes = new Map<string, Handler>();
  let fallbackHandler: Handler = () => ({ status: 404, body: { error: 'not found' } });
  const requests: FakeRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const server = http.createServer(async (raw, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of raw) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(raw.url ?? '/', 'http://127.0.0.1');
    const text = body.toString('utf8');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const contentType = String(raw.headers['content-type'] ?? '');
    const req: FakeRequest = {
      method: raw.method ?? 'GET',
      url: raw.url ?? '/',
      path: url.pathname,
      query: url.searchParams,
      headers: raw.headers,
      body,
      text,
      json,
      form: contentType.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(text) : undefined,
    };
    requests.push(req);
    const handler = routes.get(`${req.method} ${req.path}`) ?? fallbackHandler;
    try {
      const answer = await handler(req, res);
      if (!answer) return;
      const payload =
        answer.body === undefined
          ? ''
          : typeof answer.body === 'string' || Buffer.isBuffer(answer.body)
            ? answer.body
            : JSON.stringify(answer.body);
      const headers: Record<string, string> = { ...answer.headers };
      if (answer.body !== undefined && typeof answer.body === 'object' && !Buffer.isBuffer(answer.body)) {
        headers['content-type'] ??= 'application/json';
      }
      res.writeHead(answer.status ?? 200, headers);
      res.end(payload);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake handler failed: ${String(err)}`);
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    route(method, path, handler) {
      routes.set(`${method.toUpperCase()} ${path}`, handler);
    },
    fallback(handler) {
      fallbackHandler = handler;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
