/**
 * Review, expiry and the planned queue through the CLI: each command a child process over one
 * SQLite file, posting to the Telegram fake, on the real clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rssFeed, type FeedItem } from '../helpers/feed-xml.ts';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';
import { startTelegramFake, type TelegramFake } from '../fakes/telegram-api.ts';

const BOT_TOKEN = '123456789:editor-controls-cli-token';
const env = { TG_TOKEN: BOT_TOKEN };
const MIN = 60_000;
const HOUR = 3_600_000;
/** Each case runs up to a dozen child processes, each starting tsx: seconds apiece on a busy machine. */
const CLI_TIMEOUT_MS = 240_000;

let site: HttpFake;
let telegram: TelegramFake;

beforeAll(async () => {
  [site, telegram] = await Promise.all([startFake(), startTelegramFake(BOT_TOKEN)]);
});
afterAll(async () => {
  await Promise.all([site.close(), telegram.close()]);
});

/** A feed served at /NAME/ and a config whose channels post to Telegram chats. */
function newsroom(name: string, items: FeedItem[], channels: string): ReturnType<typeof workspace> {
  site.route('GET', `/${name}/`, () => ({ headers: { 'content-type': 'application/rss+xml; charset=UTF-8' }, body: rssFeed(items) }));
  return workspace(`
store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}/${name}/
    backfill: 10
channels:
${channels}
`);
}

const telegramChannel = (id: string, extra: string) => `  - id: ${id}
    platform: telegram
    chatId: "@${id.replace(/-/g, '_')}"
    apiRoot: ${telegram.url}
    auth: { botToken: "\${TG_TOKEN}" }
${extra.trim().replace(/^/gm, '    ')}`;

const title = (n: number) => `Kazakhstan and partners sign agreement number ${n}`;

/** The text `status` shows under a delivery waiting for review, without its frame. */
function reviewText(stdout: string, channel: string, n: number): string[] {
  const lines = stdout.split('\n');
  const entry = lines.findIndex((l) => new RegExp(`^  #\\d+ \\[${channel}\\] "${title(n)}"$`).test(l));
  expect(entry, stdout).toBeGreaterThan(-1);
  const text: string[] = [];
  for (const line of lines.slice(entry + 1)) {
    if (!line.startsWith('      │ ')) break;
    text.push(line.slice('      │ '.length));
  }
  return text;
}

const storyOf = (text: string) => Number(/story-(\d+)/.exec(text)![1]);
const postedTo = (chat: string) => telegram.messages.filter((m) => m.chatId === chat).map((m) => storyOf(m.text));
/** Whole seconds, as an RSS date carries them. */
const ago = (ms: number, now: number) => new Date(Math.floor((now - ms) / 1000) * 1000);

interface JsonDelivery {
  id: number;
  channel: string;
  state: string;
  link: string;
  text: string | null;
  attempts: { outcome: string; startedAt: number; detail: string | null }[];
}

describe('review and expiry end to end (once, status, approve, reject, history)', () => {
  it('posts wait for review with their text shown; approved ones go out, rejected ones never, one approved too late expires', async () => {
    const now = Date.now();
    const items = [
      { n: 1, pubDate: ago(HOUR, now) },
      { n: 2, pubDate: ago(2 * HOUR, now) },
      { n: 3, pubDate: ago(13 * HOUR, now) },
    ];
    const ws = newsroom('review', items, [telegramChannel('tg-desk', 'review: true\nmaxAgeHours: 12'), telegramChannel('tg-wire', 'review: true')].join('\n'));
    const cli = (...args: string[]) => herald([...args, '--config', ws.config], { env });

    const first = await cli('once');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/done: nothing to send\n/);
    expect(postedTo('@tg_desk')).toEqual([]);

    // Reads run side by side; each write waits for the one before.
    const [status, statusJson] = await Promise.all([cli('status'), cli('status', '--json')]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Deliveries: 0 held, 6 review, 0 pending');
    for (const n of [1, 2, 3]) {
      // Each entry, then the post it would send, line for line.
      const post = reviewText(status.stdout, 'tg-desk', n);
      expect(post[0]).toContain(title(n));
      expect(post.some((line) => line.includes(`story-${n}/`))).toBe(true);
    }
    expect(status.stdout).not.toContain(BOT_TOKEN);

    const json = JSON.parse(statusJson.stdout) as { needs: { review: JsonDelivery[] } };
    expect(json.needs.review).toHaveLength(6);
    for (const d of json.needs.review) expect(d.text).toContain(`story-${storyOf(d.link)}`);
    const idOf = (channel: string, story: number) => String(json.needs.review.find((d) => d.channel === channel && storyOf(d.link) === story)!.id);

    const approved = await cli('approve', idOf('tg-desk', 1));
    expect([approved.code, approved.stdout]).toEqual([0, expect.stringMatching(/approved: it goes out within the channel's hours, spacing and quotas/)]);
    expect((await cli('reject', idOf('tg-desk', 2))).code).toBe(0);
    expect((await cli('approve', idOf('tg-desk', 3))).code).toBe(0);
    const all = await cli('approve', '--channel', 'tg-wire', '--all');
    expect([all.code, all.stdout]).toEqual([0, expect.stringContaining('3 deliveries approved')]);
    const [again, unknown] = await Promise.all([cli('reject', idOf('tg-desk', 1)), cli('approve', '99999')]);
    expect(again.code).toBe(1);
    expect(again.stderr + again.stdout).toMatch(/only deliveries waiting for review can be rejected/);
    expect(unknown.code).toBe(1);

    const second = await cli('once');
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(postedTo('@tg_desk')).toEqual([1]);
    expect(postedTo('@tg_wire')).toEqual([3, 2, 1]);

    const [historyJson, after] = await Promise.all([cli('history', '--json'), cli('status')]);
    const history = JSON.parse(historyJson.stdout) as JsonDelivery[];
    const desk = new Map(history.filter((d) => d.channel === 'tg-desk').map((d) => [storyOf(d.link), d]));
    expect([1, 2, 3].map((n) => desk.get(n)!.state)).toEqual(['sent', 'skipped', 'expired']);
    expect(desk.get(3)!.attempts.map((a) => a.outcome)).toEqual(['expired']);
    expect(desk.get(3)!.attempts[0]!.detail).toMatch(/older than the channel's maxAgeHours \(12 h\)/);
    // Expiry is no failure: status has nothing for the operator.
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('4 sent, 0 failed, 0 in-doubt, 1 skipped, 1 expired');
  }, CLI_TIMEOUT_MS);
});

/** A fixed-offset zone where it is now between midnight and 1 a.m., so the local day has most of its hours left. */
function zoneJustPastMidnight(now: number): string {
  const hour = new Date(now).getUTCHours();
  return hour <= 12 ? `Etc/GMT+${hour}` : `Etc/GMT-${24 - hour}`;
}

describe('status shows each channel queue in planned order', () => {
  it('with expected send times, priority first, and what will expire before its turn', async () => {
    const now = Date.now();
    const items: FeedItem[] = [
      { n: 1, pubDate: ago(HOUR, now), categories: ['Breaking'] },
      { n: 2, pubDate: ago(2 * HOUR, now), categories: ['Nation'] },
      { n: 3, pubDate: ago(3 * HOUR, now), categories: ['Sport'] },
      { n: 4, pubDate: ago(19 * HOUR + 30 * MIN, now), categories: ['Nation'] },
      { n: 5, pubDate: ago(4 * HOUR, now), categories: ['Culture'] },
    ];
    const ws = newsroom(
      'planned',
      items,
      telegramChannel(
        'tg-planned',
        `timezone: ${zoneJustPastMidnight(now)}
minIntervalSeconds: 3600
maxAgeHours: 20
priority: { categories: { Breaking: 10, Nation: 3, Sport: -1 } }`,
      ),
    );
    const cli = (...args: string[]) => herald([...args, '--config', ws.config], { env });
    const once = await cli('once');
    expect(once.code).toBe(0);
    expect(postedTo('@tg_planned')).toEqual([1]);

    const [historyJson, statusJson, statusText] = await Promise.all([cli('history', '--json'), cli('status', '--json'), cli('status')]);
    const history = JSON.parse(historyJson.stdout) as JsonDelivery[];
    const sentAt = history.find((d) => d.state === 'sent')!.attempts[0]!.startedAt;
    const idOf = (story: number) => history.find((d) => storyOf(d.link) === story)!.id;
    const published = (story: number) => items.find((it) => it.n === story)!.pubDate!.getTime();

    const json = JSON.parse(statusJson.stdout) as { channels: { id: string; queued: number; nextDueAt: number; planned: unknown[] }[] };
    const [channel] = json.channels;
    expect(channel!.nextDueAt).toBe(sentAt + HOUR);
    // Story 4 is oldest of priority 3, but too old (20 h) before the hour's spacing lets anything go.
    expect(channel!.planned).toEqual([
      { id: idOf(4), title: title(4), priority: 3, at: null, expiresAt: published(4) + 20 * HOUR },
      { id: idOf(2), title: title(2), priority: 3, at: sentAt + HOUR, expiresAt: null },
      { id: idOf(5), title: title(5), priority: 0, at: sentAt + 2 * HOUR, expiresAt: null },
      { id: idOf(3), title: title(3), priority: -1, at: sentAt + 3 * HOUR, expiresAt: null },
    ]);

    const text = statusText.stdout;
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const lines = text.split('\n');
    const start = lines.findIndex((l) => l.startsWith('  tg-planned (telegram): 4 queued, next due '));
    expect(start, text).toBeGreaterThan(-1);
    const withoutSpans = (l: string) => l.replace(/ \((?:in [^)]*|[^)]* ago|now)\)/g, '');
    expect(lines.slice(start + 1, start + 5).map(withoutSpans)).toEqual([
      `    #${idOf(4)} expires ${iso(published(4) + 20 * HOUR)}, too old to send: "${title(4)}" (priority 3)`,
      `    #${idOf(2)} goes ${iso(sentAt + HOUR)}: "${title(2)}" (priority 3)`,
      `    #${idOf(5)} goes ${iso(sentAt + 2 * HOUR)}: "${title(5)}" (priority 0)`,
      `    #${idOf(3)} goes ${iso(sentAt + 3 * HOUR)}: "${title(3)}" (priority -1)`,
    ]);
    expect(lines[start + 5]).not.toMatch(/^ {4}#/);
  }, CLI_TIMEOUT_MS);
});
