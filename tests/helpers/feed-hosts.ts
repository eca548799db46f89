/**
 * Several loopback feed servers, one per port (each port is a host to Herald's per-host
 * limit), that count TCP connections and requests. While holding, every response waits
 * until no new request has come for a while, or every request expected has arrived: the
 * recorded maxima are then as many requests as the poller lets be in flight at once.
 * Answers 304 to a matching ETag.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rssFeed } from './feed-xml.ts';

export interface FeedHost {
  url: string;
  connections: number;
  requests: number;
  notModified: number;
  inFlight: number;
  maxInFlight: number;
}

export interface FeedHosts {
  hosts: FeedHost[];
  /** Most requests in flight at once over all hosts. */
  maxInFlight(): number;
  /** Holds responses (see above) until `expected` more requests have arrived. */
  hold(expected: number): void;
  close(): Promise<void>;
}

const ETAG = '"v1"';
const QUIET_MS = 300;
const BODY = rssFeed([{ n: 1 }, { n: 2 }]);

export async function startFeedHosts(count: number): Promise<FeedHosts> {
  let expected = 0;
  let arrived = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let held: (() => void)[] = [];
  let quiet: NodeJS.Timeout | undefined;
  const release = () => {
    clearTimeout(quiet);
    const waiting = held;
    held = [];
    waiting.forEach((answer) => answer());
  };
  const servers: http.Server[] = [];
  const hosts: FeedHost[] = [];
  for (let i = 0; i < count; i++) {
    const host: FeedHost = { url: '', connections: 0, requests: 0, notModified: 0, inFlight: 0, maxInFlight: 0 };
    const server = http.createServer((req, res) => {
      host.requests++;
      arrived++;
      host.inFlight++;
      inFlight++;
      host.maxInFlight = Math.max(host.maxInFlight, host.inFlight);
      maxInFlight = Math.max(maxInFlight, inFlight);
      held.push(() => {
        host.inFlight--;
        inFlight--;
        if (req.headers['if-none-match'] === ETAG) {
          host.notModified++;
          res.writeHead(304, { etag: ETAG }).end();
        } else res.writeHead(200, { etag: ETAG, 'content-type': 'application/rss+xml' }).end(BODY);
      });
      if (arrived >= expected) release();
      else {
        clearTimeout(quiet);
        quiet = setTimeout(release, QUIET_MS);
      }
    });
    server.on('connection', () => host.connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    servers.push(server);
    hosts.push(host);
  }
  return {
    hosts,
    maxInFlight: () => maxInFlight,
    hold(newExpected) {
      expected = arrived + newExpected;
    },
    async close() {
      release();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve).closeAllConnections())));
    },
  };
}
