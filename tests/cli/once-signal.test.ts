/**
 * `herald once` stopped by a signal while a send hangs: the send gets the grace to answer,
 * then `once` exits 130 and the next start resolves the cut-off send as after a crash.
 * (Found when SIGINT left `once` waiting the whole send timeout, then exiting 0.)
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramFake, type TelegramFake } from '../fakes/telegram-api.ts';
import { rssFeed } from '../helpers/feed-xml.ts';
import { startGateProxy, type GateProxy } from '../helpers/gate-proxy.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';

const TOKEN = '123456:once-signal-token';

let site: HttpFake;
let telegram: TelegramFake;
let gate: GateProxy;

beforeAll(async () => {
  site = await startFake();
  site.route('GET', '/feed/', () => ({ headers: { 'content-type': 'application/rss+xml' }, body: rssFeed([{ n: 1 }]) }));
  telegram = await startTelegramFake(TOKEN);
  gate = await startGateProxy(telegram.url, (r) => r.method === 'POST' && /\/send(Message|Photo)$/.test(r.path));
});

afterAll(async () => {
  await Promise.all([site.close(), gate.close(), telegram.close()]);
});

describe('herald once and a stop signal', () => {
  it('a send that does not answer within the grace: exit 130, and the next once holds it in doubt', async () => {
    // Telegram publishes the post, and Herald never hears back.
    gate.decide = () => 'hang-after';
    const hung = gate.nextHang();
    const ws = workspace(`store: ./herald.db
feeds:
  - id: news
    url: ${site.url}/feed/
    backfill: 1
channels:
  - id: telegram-main
    platform: telegram
    chatId: "@herald_once_signal"
    apiRoot: ${gate.url}
    auth: { botToken: "${TOKEN}" }
`);
    let child: ChildProcess | undefined;
    const once = herald(['once', '--config', ws.config], { onSpawn: (c) => (child = c) });
    await hung;
    child!.kill('SIGINT');
    const r = await once;
    // Before the fix: 0, after the whole 30 s send timeout had run out.
    expect(r.code, r.stderr).toBe(130);
    expect(r.stdout).toContain('stopping: finishing the sends under way (a second signal stops at once)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(telegram.messages).toHaveLength(1);

    gate.decide = () => 'pass';
    const next = await herald(['once', '--config', ws.config]);
    expect(next.code, 'a delivery in doubt waits for the operator').toBe(1);
    expect(next.stdout).toContain('1 interrupted send(s) are in doubt: see `herald status`, then `herald retry ID` or `herald skip ID`');
    expect(telegram.messages).toHaveLength(1);
  }, 60_000);
});
