import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_MS } from '../../src/http/auth.ts';
import { LOGIN_ATTEMPTS } from '../../src/http/login-limiter.ts';
import { OUTCOME_LABEL } from '../../src/http/metrics.ts';
import { CHANNEL_SECRET, CONSOLE_TOKEN, START, startConsole } from '../helpers/console-server.ts';

let running: Awaited<ReturnType<typeof startConsole>> | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(...args: Parameters<typeof startConsole>) {
  running = await startConsole(...args);
  return running;
}

const bearer = { authorization: `Bearer ${CONSOLE_TOKEN}` };

/** Logs in through the form and returns the session cookie and a page's CSRF token. */
async function login(url: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/login`, { method: 'POST', redirect: 'manual', headers: { origin: url }, body: new URLSearchParams({ token: CONSOLE_TOKEN }) });
  expect(res.status).toBe(303);
  const setCookie = res.headers.get('set-cookie')!;
  const cookie = setCookie.split(';')[0]!;
  const page = await (await fetch(`${url}/queue`, { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  return { cookie, csrf };
}

describe('health and metrics', () => {
  it('/healthz answers while the process runs; /readyz only while the store answers and the scheduler runs', async () => {
    const s = await start();
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${s.url}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([200, 'store: ok\nscheduler: ok\n']);
    s.state.schedulerRunning = false;
    const stopped = await fetch(`${s.url}/readyz`);
    expect([stopped.status, await stopped.text()]).toEqual([503, 'store: ok\nscheduler: scheduler not running\n']);
    s.state.schedulerRunning = true;
    await s.store.close();
    const down = await fetch(`${s.url}/readyz`);
    expect([down.status, await down.text()]).toEqual([503, 'store: store not answering: The database connection is not open\nscheduler: ok\n']);
  });

  it('/metrics parses as Prometheus text, counts what the store recorded, and has the process metrics', async () => {
    const s = await start();
    s.metrics.pollFinished('astanatimes', 'changed');
    s.metrics.pollFinished('astanatimes', 'not_modified');
    s.metrics.pollFinished('astanatimes', 'not_modified');
    s.metrics.sendFinished('x-main', 0.3);
    const res = await fetch(`${s.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await res.text());
    const family = (name: string) => families.find((f) => f.name === name)!;
    const samples = (name: string) => family(name).metrics.map((m) => ({ ...m.labels, value: Number(m.value) }));

    const expected = (await s.store.attemptCounts()).map((r) => ({ channel: r.channelId, outcome: OUTCOME_LABEL[r.outcome], value: r.count }));
    expect(samples('herald_deliveries_total')).toEqual(expected);
    expect(samples('herald_deliveries_total')).toHaveLength(3);
    expect(samples('herald_deliveries_total')).toEqual(
      expect.arrayContaining([
        { channel: 'x-main', outcome: 'sent', value: 1 },
        { channel: 'bluesky-main', outcome: 'retry', value: 1 },
        { channel: 'bluesky-main', outcome: 'failed', value: 1 },
      ]),
    );
    expect(family('herald_deliveries_total').type).toBe('COUNTER');
    expect(samples('herald_feed_polls_total')).toEqual([
      { feed: 'astanatimes', result: 'changed', value: 1 },
      { feed: 'astanatimes', result: 'not_modified', value: 2 },
    ]);
    expect(samples('herald_queue_depth').filter((m) => m.value > 0)).toEqual(
      expect.arrayContaining([
        { channel: 'telegram-main', state: 'review', value: 1 },
        { channel: 'telegram-main', state: 'pending', value: 1 },
        { channel: 'x-main', state: 'held', value: 1 },
        { channel: 'bluesky-main', state: 'failed', value: 1 },
      ]),
    );
    expect(samples('herald_channel_paused')).toEqual([
      { channel: 'x-main', value: 0 },
      { channel: 'telegram-main', value: 0 },
      { channel: 'bluesky-main', value: 1 },
    ]);
    expect(samples('herald_feed_last_success_timestamp_seconds')).toEqual([
      { feed: 'astanatimes', value: (await s.store.feedState('astanatimes')).lastOkAt! / 1000 },
      { feed: 'breaking', value: (await s.store.feedState('breaking')).lastOkAt! / 1000 },
    ]);
    expect(family('herald_send_duration_seconds').type).toBe('HISTOGRAM');
    expect(family('herald_credential_expiry_timestamp_seconds').type).toBe('GAUGE');
    expect(family('process_cpu_user_seconds_total').type).toBe('COUNTER');
    expect(family('nodejs_eventloop_lag_seconds').type).toBe('GAUGE');
  });
});

describe('API', () => {
  it('answers 401 without the token and with a wrong one, saying which', async () => {
    const s = await start();
    const missing = await fetch(`${s.url}/api/status`);
    expect([missing.status, await missing.json()]).toEqual([401, { error: 'missing token: send the header "Authorization: Bearer <http.token>"' }]);
    const wrong = await fetch(`${s.url}/api/status`, { headers: { authorization: 'Bearer console-token-5b1e0c9d2f7b' } });
    expect([wrong.status, await wrong.json()]).toEqual([401, { error: 'wrong token: use the value of http.token from the config' }]);
    const cookieOnly = await fetch(`${s.url}/api/deliveries/2/approve`, { method: 'POST', headers: { cookie: (await login(s.url)).cookie } });
    expect(cookieOnly.status).toBe(401);
    expect((await s.store.delivery(2))!.state).toBe('review');
  });

  it('GET /api/status lists feeds, channels and workers', async () => {
    const s = await start();
    const body = await (await fetch(`${s.url}/api/status`, { headers: bearer })).json();
    expect(body.feeds[1]).toEqual({ id: 'breaking', lastPollAt: '2026-12-02T05:59:00.000Z', lastOkAt: '2026-12-02T05:20:00.000Z', nextPollAt: '2026-12-02T06:04:00.000Z', lastError: 'HTTP 503 from astanatimes.com', failures: 3, held: 1 });
    expect(body.channels.map((c: { id: string; paused: unknown; queue: unknown }) => [c.id, c.paused, c.queue])).toEqual([
      ['x-main', null, { sent: 1, held: 1 }],
      ['telegram-main', null, { review: 1, pending: 1 }],
      ['bluesky-main', { reason: 'Bluesky refused the app password (401 AuthenticationRequired)', since: '2026-12-02T05:55:00.000Z' }, { failed: 1 }],
    ]);
    expect(body.counts).toMatchObject({ sent: 1, review: 1, failed: 1, held: 1, pending: 1 });
    expect(body.workers[0]).toMatchObject({ id: 'host-a:4242', heartbeatAt: '2026-12-02T05:59:55.000Z' });
  });

  it('GET /api/deliveries filters by channel, state and limit, with attempts; bad filters are 400', async () => {
    const s = await start();
    const body = await (await fetch(`${s.url}/api/deliveries?channel=bluesky-main&state=failed,in_doubt&limit=5`, { headers: bearer })).json();
    expect(body.deliveries).toHaveLength(1);
    expect(body.deliveries[0]).toMatchObject({
      id: 3,
      channel: 'bluesky-main',
      state: 'failed',
      article: { title: 'Kazakhstan, US Maintain Constructive Dialogue on Human Rights (3)', link: 'https://astanatimes.com/2024/05/story-3/' },
      lastError: 'Invalid record (token [redacted])',
      attempts: [
        { n: 1, outcome: 'retry', code: 'http_503', httpStatus: 503 },
        { n: 2, outcome: 'permanent', code: 'http_400', httpStatus: 400 },
      ],
    });
    const [review] = (await (await fetch(`${s.url}/api/deliveries?state=review`, { headers: bearer })).json()).deliveries;
    expect(review.text).toMatch(/^<b><a href="https:\/\/astanatimes\.com\/2024\/05\/story-2\/">Kazakhstan, US Maintain Constructive Dialogue on Human Rights \(2\)<\/a><\/b>\n\nASTANA/);
    const bad = await fetch(`${s.url}/api/deliveries?state=lost`, { headers: bearer });
    expect([bad.status, (await bad.json()).error]).toEqual([400, 'state: unknown state "lost" (expected one of: held, review, pending, sending, sent, failed, in_doubt, skipped, expired)']);
    expect((await fetch(`${s.url}/api/deliveries?limit=0`, { headers: bearer })).status).toBe(400);
    expect((await fetch(`${s.url}/api/deliveries?channel=myspace`, { headers: bearer })).status).toBe(404);
  });

  it('POST actions change the store and answer 200, 404 or 409 with what happened', async () => {
    const s = await start();
    const post = (path: string) => fetch(`${s.url}/api${path}`, { method: 'POST', headers: bearer });
    const approved = await post('/deliveries/2/approve');
    expect([approved.status, (await approved.json()).result]).toEqual([200, 'done']);
    expect((await s.store.delivery(2))!.state).toBe('pending');
    const again = await post('/deliveries/2/approve');
    expect([again.status, (await again.json()).message]).toEqual([
      409,
      '#2 (telegram-main: Kazakhstan, US Maintain Constructive Dialogue on Human Rights (2)) is pending: approve applies to deliveries waiting for review only.',
    ]);
    expect((await post('/deliveries/99/retry')).status).toBe(404);
    expect((await post('/deliveries/3/retry')).status).toBe(200);
    expect((await s.store.delivery(3))!.state).toBe('pending');
    expect((await post('/deliveries/5/skip')).status).toBe(200);
    expect((await post('/feeds/breaking/release')).status).toBe(200);
    expect((await s.store.delivery(4))!.state).toBe('pending');
    expect((await post('/channels/bluesky-main/resume')).status).toBe(200);
    expect((await s.store.channelStates()).find((c) => c.id === 'bluesky-main')?.pausedReason).toBeUndefined();
    expect((await post('/feeds/nope/release')).status).toBe(404);
    expect((await post('/deliveries/2/publish')).status).toBe(404);
  });
});

describe('console', () => {
  it('sends a visitor without a session to the login form, refuses a wrong token, and rate-limits failed logins', async () => {
    const s = await start();
    const home = await fetch(`${s.url}/`, { redirect: 'manual' });
    expect([home.status, home.headers.get('location')]).toEqual([303, '/login']);
    const tryToken = (token: string) => fetch(`${s.url}/login`, { method: 'POST', redirect: 'manual', headers: { origin: s.url }, body: new URLSearchParams({ token }) });
    const wrong = await tryToken('guess');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong token: enter the value of http.token from Herald’s config.');
    for (let i = 1; i < LOGIN_ATTEMPTS; i++) expect((await tryToken(`guess${i}`)).status).toBe(401);
    const limited = await tryToken(CONSOLE_TOKEN);
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('Too many failed logins from your address: try again in 15 min.');
  });

  it('logs in with an HttpOnly SameSite=Strict cookie and serves pages with strict security headers', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/login`, { method: 'POST', redirect: 'manual', headers: { origin: s.url }, body: new URLSearchParams({ token: CONSOLE_TOKEN }) });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^herald_session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    const page = await fetch(`${s.url}/`, { headers: { cookie: setCookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    expect(html).not.toMatch(/<script|style=|\son[a-z]+=/i);
    expect(html).toContain('Bluesky refused the app password (401 AuthenticationRequired)');
  });

  it('refuses a state change without the CSRF token or from another site, and does it with both', async () => {
    const s = await start();
    const { cookie, csrf } = await login(s.url);
    const act = (body: Record<string, string>, headers: Record<string, string> = { origin: s.url }) =>
      fetch(`${s.url}/actions/deliveries/2/approve`, { method: 'POST', redirect: 'manual', headers: { cookie, ...headers }, body: new URLSearchParams(body) });
    expect((await act({})).status).toBe(403);
    expect((await act({ csrf: csrf.slice(1) })).status).toBe(403);
    expect((await act({ csrf }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await s.store.delivery(2))!.state).toBe('review');
    const done = await act({ csrf }, { origin: s.url, referer: `${s.url}/queue?state=review` });
    expect([done.status, done.headers.get('location')]).toEqual([303, '/queue?state=review']);
    expect((await s.store.delivery(2))!.state).toBe('pending');
    const notice = done.headers.get('set-cookie')!.split(';')[0]!;
    const after = await (await fetch(`${s.url}/queue`, { headers: { cookie: `${cookie}; ${notice}` } })).text();
    expect(after).toContain('#2 (telegram-main: Kazakhstan, US Maintain Constructive Dialogue on Human Rights (2)) approved');
  });

  it('ends a session when it expires', async () => {
    const s = await start();
    const { cookie, csrf } = await login(s.url);
    s.clock.now += SESSION_MS;
    const page = await fetch(`${s.url}/`, { headers: { cookie }, redirect: 'manual' });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('Your session expired: log in again.');
    const act = await fetch(`${s.url}/actions/deliveries/3/retry`, { method: 'POST', headers: { cookie, origin: s.url }, body: new URLSearchParams({ csrf }) });
    expect(act.status).toBe(401);
    expect((await s.store.delivery(3))!.state).toBe('failed');
  });

  it('never serves a secret: the token and channel credentials are masked everywhere', async () => {
    const s = await start();
    const { cookie } = await login(s.url);
    await s.store.recordFailure('breaking', `HTTP 401 for ${CONSOLE_TOKEN}`, START, START + 5 * 60_000);
    const bodies = await Promise.all([
      ...['/', '/queue', '/history', '/preview', '/deliveries/3'].map((p) => fetch(`${s.url}${p}`, { headers: { cookie } }).then((r) => r.text())),
      ...['/api/status', '/api/deliveries'].map((p) => fetch(`${s.url}${p}`, { headers: bearer }).then((r) => r.text())),
      fetch(`${s.url}/metrics`).then((r) => r.text()),
    ]);
    for (const body of bodies) {
      expect(body).not.toContain(CONSOLE_TOKEN);
      expect(body).not.toContain(CHANNEL_SECRET);
    }
    expect(bodies[0]).toContain('HTTP 401 for [redacted]');
  });
});
