import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { DEFAULT_POLLING } from '../../src/config/polling-schema.ts';
import { pollFeeds } from '../../src/scheduler/cycle.ts';
import { memoryStore } from '../helpers/store.ts';
import { makeRedactor } from '../../src/redact.ts';
import type { ChannelRuntime } from '../../src/delivery/channels.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';
import { feed } from '../helpers/articles.ts';
import { rssFeed } from '../helpers/feed-xml.ts';

const items = [{ n: 3 }, { n: 2 }, { n: 1 }];
const good = rssFeed(items);
const rss = (contentType = 'application/rss+xml; charset=utf-8') => ({ 'content-type': contentType });

let server: HttpFake;
beforeAll(async () => {
  server = await startFake();
  server.route('GET', '/good', () => ({ headers: rss(), body: good }));
});
afterAll(() => server.close());

/** One fault per feed path; each case asserts the bad feed's outcome and that a healthy feed beside it is untouched. */
const faults: { name: string; path: string; setup: (f: HttpFake) => void; timeoutSeconds?: number; expectError?: RegExp; expectArticles?: number }[] = [
  { name: 'HTTP 500', path: '/500', setup: (f) => f.route('GET', '/500', () => ({ status: 500, body: 'oops' })), expectError: /500/ },
  {
    name: 'a server that never answers',
    path: '/hang',
    timeoutSeconds: 1,
    setup: (f) => f.route('GET', '/hang', () => undefined),
    expectError: /time|1 s/i,
  },
  {
    name: 'a body trickled slower than the timeout',
    path: '/trickle',
    timeoutSeconds: 1,
    setup: (f) =>
      f.route('GET', '/trickle', (_req, res) => {
        res.writeHead(200, rss());
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 100);
        res.on('close', () => clearInterval(timer));
        return undefined;
      }),
    expectError: /time|1 s/i,
  },
  {
    name: 'a 50 MB body',
    path: '/huge',
    setup: (f) =>
      f.route('GET', '/huge', (_req, res) => {
        res.writeHead(200, rss());
        const chunk = Buffer.alloc(1 << 20, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < 50 && !res.destroyed) {
            sent++;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!res.destroyed) res.end();
        };
        pump();
        return undefined;
      }),
    expectError: /10485760|10 MB|10\.0 MB|larger|too large|exceed/i,
  },
  {
    name: 'a redirect loop',
    path: '/loop-a',
    setup: (f) => {
      f.route('GET', '/loop-a', () => ({ status: 302, headers: { location: '/loop-b' } }));
      f.route('GET', '/loop-b', () => ({ status: 302, headers: { location: '/loop-a' } }));
    },
    expectError: /redirect/i,
  },
  {
    name: 'a truncated feed',
    path: '/truncated',
    setup: (f) => f.route('GET', '/truncated', () => ({ headers: rss(), body: good.slice(0, Math.floor(good.length / 2)) })),
    expectError: /feed/i,
  },
  {
    name: 'an HTML page instead of a feed',
    path: '/html',
    setup: (f) => f.route('GET', '/html', () => ({ headers: rss('text/html'), body: '<!doctype html><html><body><p>Not a feed</p></body></html>' })),
    expectError: /feed/i,
  },
  {
    name: 'a raw & in a title',
    path: '/ampersand',
    setup: (f) => f.route('GET', '/ampersand', () => ({ headers: rss(), body: good.replace('agreement number 3', 'AT&T and Kazakhtelecom deal') })),
    expectArticles: 3,
  },
  {
    name: 'control characters in the XML',
    path: '/control',
    setup: (f) => f.route('GET', '/control', () => ({ headers: rss(), body: good.replace('agreement number 2', 'agreement\u0001 number\u0008 2') })),
    expectArticles: 3,
  },
  {
    name: 'a charset declared but not used (says UTF-8, is windows-1252)',
    path: '/charset',
    setup: (f) =>
      f.route('GET', '/charset', () => ({
        headers: rss(),
        body: Buffer.from(good.replace('agreement number 1', 'caf\u00e9 agreement 1'), 'latin1'),
      })),
    expectArticles: 3,
  },
];

describe('feed faults are isolated to their feed', () => {
  for (const fault of faults) {
    it(fault.name, async () => {
      fault.setup(server);
      const db = memoryStore();
      const channels = [{ id: 'console', config: { feeds: undefined, review: false }, filter: () => ({ pass: true }), priority: () => 0, definition: { edit: undefined } } as unknown as ChannelRuntime];
      const feeds = [
        feed({ id: 'bad', url: `${server.url}${fault.path}`, backfill: 10, maxAgeHours: 876_000, timeoutSeconds: fault.timeoutSeconds ?? 30 }),
        feed({ id: 'good', url: `${server.url}/good`, backfill: 10, maxAgeHours: 876_000 }),
      ];
      const [bad, healthy] = await pollFeeds(feeds, channels, DEFAULT_POLLING, {
        ledger: db,
        baseDir: process.cwd(),
        userAgent: 'Herald-test',
        logger: pino({ level: 'silent' }),
        redact: makeRedactor([]),
      });
      expect(healthy, JSON.stringify(healthy)).toMatchObject({ ok: true, report: { queued: 3 } });
      if (fault.expectError) {
        expect(bad!.ok).toBe(false);
        const error = bad!.ok ? '' : bad!.error;
        expect(error).toMatch(fault.expectError);
        expect(error).toContain('bad');
        const state = await db.feedState('bad');
        expect(state).toMatchObject({ failures: 1, lastError: error });
        expect(state.nextPollAt).toBeGreaterThan(Date.now());
      } else {
        expect(bad).toMatchObject({ ok: true, report: { queued: fault.expectArticles } });
        const titles = (await db.deliveries()).filter((d) => d.feedId === 'bad').map((d) => d.article.title);
        expect(titles.join(' ')).not.toMatch(/\uFFFD|[\u0000-\u0008]/);
      }
    });
  }
});
