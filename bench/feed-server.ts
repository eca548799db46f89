/**
 * Loopback feed server for the benchmark, run as a child process so that its memory and
 * CPU are not counted as Herald's. Serves `/feeds/<i>/` for i < count, each with its own
 * ETag and Last-Modified, and answers 304 to a matching If-None-Match.
 *
 * argv: count itemsPerFeed newestMs. Talks to its parent over IPC: sends
 * { kind: 'listening', port, bytes } once ready; answers 'stats' with the response and connection counts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { outletFeedXml } from './outlet.ts';

const [count, itemsPerFeed, newest] = process.argv.slice(2).map(Number) as [number, number, number];
const bodies = Array.from({ length: count }, (_, i) => Buffer.from(outletFeedXml(i, itemsPerFeed, newest)));
const lastModified = new Date(newest).toUTCString();
const served = { full: 0, notModified: 0, notFound: 0, connections: 0 };

const server = http.createServer((req, res) => {
  const match = /^\/feeds\/(\d+)\/$/.exec(req.url ?? '');
  const i = match ? Number(match[1]) : -1;
  const body = bodies[i];
  if (!body) {
    served.notFound++;
    res.writeHead(404).end();
    return;
  }
  const etag = `"feed-${i}-v1"`;
  const validators = { etag, 'last-modified': lastModified };
  const asked = String(req.headers['if-none-match'] ?? '')
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''));
  if (asked.includes(etag)) {
    served.notModified++;
    res.writeHead(304, validators).end();
    return;
  }
  served.full++;
  res.writeHead(200, { 'content-type': 'application/rss+xml; charset=UTF-8', 'content-length': body.length, ...validators });
  res.end(body);
});

// Counted to show whether clients reuse their keep-alive connections.
server.on('connection', () => served.connections++);

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ kind: 'listening', port, bytes: bodies.reduce((sum, b) => sum + b.length, 0) });
});
process.on('message', (message) => {
  if (message === 'stats') process.send?.({ kind: 'stats', ...served });
});
// The parent went away (finished or crashed): nothing left to serve.
process.on('disconnect', () => {
  server.close();
  process.exit(0);
});
