/**
 * A GET over node:http(s) with keep-alive agents, its body decompressed as it arrives.
 * Feeds are fetched this way rather than with fetch(): over 1,000 feeds, undici's fetch cost
 * twice the CPU and, with its web streams, 2.5× the peak memory of the same requests over node:http
 * (see the note on issue 13; `npm run bench -- cli` measures the whole poll).
 */
import http from 'node:http';
import https from 'node:https';
import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';

/**
 * Idle pooled connections close after this long, before a server's usual keep-alive timeout
 * (Node's and nginx's are 5 s or more), so a request rarely meets a connection the server is closing.
 */
const IDLE_MS = 4_000;
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' }),
};

export interface GetResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, with its Content-Encoding undone. */
  body: Readable;
  /** Reads the rest of the body into nothing (a redirect's, a 304's, an error page's): the connection goes back to the pool. */
  discard(): void;
  /** Hangs up: for a body not worth reading to its end. */
  abandon(): void;
}

/** Rejects with the request's own error (DNS, refused, reset, aborted) when no response came. */
export function httpGet(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<GetResponse> {
  return send(new URL(url), headers, signal).catch((err: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
    // A pooled connection the server closed while idle: the request never reached it, and a GET may be sent again.
    if (err.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') && !signal.aborted) return send(new URL(url), headers, signal);
    throw err;
  });
}

function send(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<GetResponse> {
  const agent = AGENTS[url.protocol as keyof typeof AGENTS];
  if (!agent) return Promise.reject(new TypeError(`${url.protocol} is not http(s)`));
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent, signal }, (res) => {
      const body = decoded(res);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body,
        discard: () => void res.resume(),
        abandon: () => {
          body.on('error', () => undefined);
          res.destroy();
        },
      });
    });
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end();
  });
}

/** The body with each Content-Encoding undone, the last applied first; an unknown coding is left as it is (as fetch does). */
function decoded(res: http.IncomingMessage): Readable {
  const decoders = String(res.headers['content-encoding'] ?? '')
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity')
    .reverse()
    .map(decoderFor);
  if (decoders.length === 0 || decoders.some((d) => d === undefined)) return res;
  // An error anywhere (a reset, a corrupt stream) destroys every stream with it: the reader of the last one sees it.
  return pipeline([res, ...(decoders as Transform[])], () => undefined) as unknown as Readable;
}

function decoderFor(coding: string): Transform | undefined {
  // Servers end compressed streams loosely; fetch is as lenient.
  const zlibLenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (coding === 'gzip' || coding === 'x-gzip') return zlib.createGunzip(zlibLenient);
  if (coding === 'deflate') return zlib.createInflate(zlibLenient);
  if (coding === 'br') {
    return zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  }
  return undefined;
}
