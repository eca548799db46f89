/**
 * Herald is killed with SIGKILL at many moments — while fetching the feed, before a platform
 * saw a post, after a platform accepted a post but before Herald heard back, or at a random
 * time — and restarted until its work is done. Then, per platform: no article posted twice,
 * none lost; interrupted Telegram sends (no way to check) are held in doubt for the operator.
 *
 * `npm test` runs a short version; `npm run test:crash` sets HERALD_CRASH_KILLS=200.
 */
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake, type HttpFake } from './helpers/http-fake.ts';
import { herald, workspace } from './helpers/herald-cli.ts';
import { rssFeed, type FeedItem } from './helpers/feed-xml.ts';
import { startGateProxy, type GateProxy } from './helpers/gate-proxy.ts';
import { startXFake, type XFake } from './fakes/x-api.ts';
import { startTelegramFake, type TelegramFake } from './fakes/telegram-api.ts';
import { startMastodonFake, type MastodonFake } from './fakes/mastodon-api.ts';

const KILLS = Number(process.env.HERALD_CRASH_KILLS ?? 14);
const INITIAL_ARTICLES = 20;
const TOKEN = '123456:crash-test-token';

let site: HttpFake;
let x: XFake;
let telegram: TelegramFake;
let mastodon: MastodonFake;
let gates: { x: GateProxy; telegram: GateProxy; mastodon: GateProxy };
let feedHang = false;
let items: FeedItem[];
let ws: ReturnType<typeof workspace>;

beforeAll(async () => {
  site = await startFake();
  [x, telegram, mastodon] = await Promise.all([startXFake(), startTelegramFake(TOKEN), startMastodonFake({ accessToken: 'crash-mastodon-token' })]);
  gates = {
    x: await startGateProxy(x.url, (r) => r.method === 'POST' && r.path === '/2/tweets'),
    telegram: await startGateProxy(telegram.url, (r) => r.method === 'POST' && /\/send(Message|Photo)$/.test(r.path)),
    mastodon: await startGateProxy(mastodon.url, (r) => r.method === 'POST' && r.path === '/api/v1/statuses'),
  };
  items = Array.from({ length: INITIAL_ARTICLES }, (_, i) => ({ n: INITIAL_ARTICLES - i }));
  site.route('GET', '/feed/', () => (feedHang ? undefined : { headers: { 'content-type': 'application/rss+xml' }, body: rssFeed(items.slice(0, 30)) }));
  ws = workspace(`
store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}/feed/
    backfill: ${INITIAL_ARTICLES}
channels:
  - id: x
    platform: x
    apiRoot: ${gates.x.url}
    auth: { appKey: k, appSecret: s, accessToken: t, accessSecret: a }
  - id: telegram
    platform: telegram
    chatId: "@crash_test"
    apiRoot: ${gates.telegram.url}
    auth: { botToken: "${TOKEN}" }
  - id: mastodon
    platform: mastodon
    apiRoot: ${gates.mastodon.url}
    auth: { accessToken: crash-mastodon-token }
`);
});

afterAll(async () => {
  await Promise.all([site.close(), x.close(), telegram.close(), mastodon.close(), ...Object.values(gates).map((g) => g.close())]);
});

type KillMoment = 'feed' | 'before-post' | 'after-post' | 'timer';
const MOMENTS: KillMoment[] = ['before-post', 'after-post', 'timer', 'before-post', 'after-post', 'feed'];

/** Spreads the kills over the platforms independently of the moment. */
function platformFor(seed: number): 'x' | 'telegram' | 'mastodon' {
  return (['x', 'telegram', 'mastodon'] as const)[(seed + Math.floor(seed / MOMENTS.length)) % 3]!;
}

/** One run of `herald once`, killed at the chosen moment (or finishing on its own first). */
async function runAndKill(moment: KillMoment, seed: number): Promise<'killed' | 'finished'> {
  const platform = platformFor(seed);
  const nth = 1 + (seed % 4);
  let seen = 0;
  for (const [name, gate] of Object.entries(gates)) {
    gate.decide = () => {
      if (name !== platform || (moment !== 'before-post' && moment !== 'after-post')) return 'pass';
      seen++;
      return seen === nth ? (moment === 'before-post' ? 'hang-before' : 'hang-after') : 'pass';
    };
  }
  feedHang = moment === 'feed';
  let child: ChildProcess | undefined;
  let killed = false;
  const kill = () => {
    if (child && child.exitCode === null && !killed) {
      killed = true;
      child.kill('SIGKILL');
    }
  };
  const trigger =
    moment === 'timer'
      ? new Promise<void>((resolve) => setTimeout(resolve, 900 + ((seed * 137) % 1500)))
      : moment === 'feed'
        ? new Promise<void>((resolve) => setTimeout(resolve, 1200))
        : // If that request never comes (little left to post there), kill a little later anyway.
          Promise.race([gates[platform].nextHang(), new Promise<void>((resolve) => setTimeout(resolve, 8_000))]);
  const run = herald(['once', '--config', ws.config], { onSpawn: (c) => (child = c) });
  await Promise.race([trigger.then(kill), run]);
  await run;
  for (const gate of Object.values(gates)) gate.decide = () => 'pass';
  feedHang = false;
  return killed ? 'killed' : 'finished';
}

function storyOf(text: string): string {
  return text.match(/story-(\d+)/)?.[1] ?? '?';
}

function countBy(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

describe(`crash safety: ${KILLS} SIGKILLs`, () => {
  it('posts each article at most once per platform and loses none', async () => {
    let kills = 0;
    for (let i = 0; kills < KILLS; i++) {
      // The long run keeps publishing, so that late kills still land on real work.
      if (KILLS > 50 && i > 0 && i % 2 === 0) items.unshift({ n: INITIAL_ARTICLES + i / 2 });
      const outcome = await runAndKill(MOMENTS[i % MOMENTS.length]!, i);
      if (process.env.HERALD_CRASH_DEBUG) process.stdout.write(`run ${i}: ${MOMENTS[i % MOMENTS.length]} ${platformFor(i)} → ${outcome}\n`);
      if (outcome === 'killed') kills++;
      if (i > KILLS * 4) throw new Error(`only ${kills} kills landed in ${i} runs`);
    }
    // Let Herald finish: restarted runs until nothing is due.
    for (let i = 0; i < 20; i++) {
      const r = await herald(['once', '--config', ws.config]);
      expect(r.code, r.stderr).toBe(0);
      if (!r.stdout.includes('queued for later')) break;
    }

    const db = new Database(ws.store, { readonly: true });
    const rows = db
      .prepare(`SELECT d.channel_id AS channel, d.state, a.link_key AS link FROM deliveries d JOIN articles a ON a.pk = d.article_pk`)
      .all() as { channel: string; state: string; link: string }[];
    db.close();
    const stories = [...new Set(items.map((it) => String(it.n)))];
    const posted = {
      x: countBy(x.tweets.map((t) => storyOf(t.text))),
      telegram: countBy(telegram.messages.map((m) => storyOf(m.text))),
      mastodon: countBy(mastodon.posts.map((p) => storyOf(p.text))),
    };
    const report: string[] = [];
    for (const channel of ['x', 'telegram', 'mastodon'] as const) {
      const states = new Map(rows.filter((r) => r.channel === channel).map((r) => [storyOf(r.link), r.state]));
      const duplicates = stories.filter((s) => (posted[channel].get(s) ?? 0) > 1);
      const lost = stories.filter((s) => !posted[channel].has(s) && states.get(s) !== 'in_doubt');
      const sentButMissing = stories.filter((s) => states.get(s) === 'sent' && !posted[channel].has(s));
      const heldInDoubt = stories.filter((s) => states.get(s) === 'in_doubt');
      const unfinished = stories.filter((s) => !['sent', 'in_doubt'].includes(states.get(s) ?? 'none'));
      report.push(`${channel}: ${stories.length} articles, ${posted[channel].size} posted, ${duplicates.length} duplicates, ${lost.length} lost, ${heldInDoubt.length} held in doubt`);
      expect({ channel, duplicates, lost, sentButMissing, unfinished }).toEqual({ channel, duplicates: [], lost: [], sentButMissing: [], unfinished: [] });
      if (channel !== 'telegram') expect({ channel, heldInDoubt }).toEqual({ channel, heldInDoubt: [] });
    }
    process.stdout.write(`crash run: ${kills} kills\n${report.join('\n')}\n`);
  }, 3_600_000);
});
