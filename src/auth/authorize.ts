import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import readline from 'node:readline';
import { OperationalError } from '../errors.ts';

export const CALLBACK_PATH = '/callback';

/** Where the platform sent the browser back: the query of the redirect URL. */
export interface Redirect {
  code: string;
}

export function newState(): string {
  return randomBytes(24).toString('base64url');
}

/** The code from a redirect URL, after checking its `state`; a platform's refusal is a clear error. */
export function codeFrom(url: URL, state: string): Redirect {
  const refused = url.searchParams.get('error');
  if (refused) {
    throw new OperationalError(`the platform refused the authorization: ${refused} ${url.searchParams.get('error_description') ?? ''}`.trim(), 'run `herald auth` again and allow the app');
  }
  if (url.searchParams.get('state') !== state) {
    throw new OperationalError('the redirect does not carry the state this run sent (an old or foreign link)', 'run `herald auth` again and use the link it prints');
  }
  const code = url.searchParams.get('code');
  if (!code) throw new OperationalError('the redirect carries no authorization code', 'paste the whole address the browser ended on');
  return { code };
}

/** A loopback listener for the redirect; `port` 0 picks a free one. */
export async function listenForRedirect(host: string, port: number): Promise<{ port: number; next: Promise<URL>; close(): void }> {
  let deliver!: (url: URL) => void;
  const next = new Promise<URL>((resolve) => (deliver = resolve));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname !== CALLBACK_PATH) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Herald received the authorization. You can close this tab.\n');
    deliver(url);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new OperationalError(`cannot listen on ${host}:${port} for the redirect (${err.code ?? err.message})`, 'pick another port with --port, or paste the redirect URL')),
    );
    server.listen(port, host, resolve);
  });
  return { port: (server.address() as AddressInfo).port, next, close: () => server.close() };
}

/** The first line typed on stdin that is a URL with a query: a redirect pasted from a browser on another machine. */
export function pastedRedirect(input: NodeJS.ReadableStream): { next: Promise<URL>; close(): void } {
  const lines = readline.createInterface({ input });
  const next = new Promise<URL>((resolve) => {
    lines.on('line', (line) => {
      const text = line.trim();
      if (URL.canParse(text) && new URL(text).search) resolve(new URL(text));
    });
  });
  return { next, close: () => lines.close() };
}
