/**
 * Corrections follow the article, end to end: `herald once` over a feed, then over its
 * corrected state, against loopback fakes of every platform driven by the real clients.
 * Each corrected post is edited exactly once where the platform can edit, nothing is posted
 * again anywhere, and history says why the platforms that cannot edit were left alone;
 * also across a restart between the poll and the edit, and a SIGKILL during an edit.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake, type HttpFake } from './helpers/http-fake.ts';
import { herald, workspace, type CliResult } from './helpers/herald-cli.ts';
import { rssFeed, type FeedItem } from './helpers/feed-xml.ts';
import { startGateProxy, type GateProxy } from './helpers/gate-proxy.ts';
import { startTelegramFake, type TelegramFake } from './fakes/telegram-api.ts';
import { startMastodonFake, type MastodonFake } from './fakes/mastodon-api.ts';
import { startFacebookFake, type FacebookFake } from './fakes/graph-api.ts';
import { startDiscordFake, type DiscordFake } from './fakes/discord-api.ts';
import { startLinkedInFake, type LinkedInFake } from './fakes/linkedin-api.ts';
import { startXFake, type XFake } from './fakes/x-api.ts';
import { startBlueskyFake, type BlueskyFake } from './fakes/bluesky-api.ts';

const TELEGRAM_TOKEN = '123456:corrections-telegram-token';
const MASTODON_TOKEN = 'corrections-mastodon-token';
const FACEBOOK_TOKEN = 'EAAcorrectionsPageToken';
const LINKEDIN_TOKEN = 'AQVcorrectionsLinkedInToken';
const PAGE = '104500000000001';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const ORIGINAL_TITLE = 'Kazakhstan Exports Rise 18% in the First Half';
const CORRECTED_TITLE = 'Kazakhstan Exports Rise 21% in the First Half';
const ORIGINAL_LEAD = 'ASTANA – Exports reached $40 billion, the statistics bureau said on Monday.';
const CORRECTED_LEAD = 'ASTANA – Exports reached $42 billion, the statistics bureau said on Tuesday.';

let site: HttpFake;
let telegram: TelegramFake;
let mastodon: MastodonFake;
let facebook: FacebookFake;
let discord: DiscordFake;
let linkedin: LinkedInFake;
let x: XFake;
let bluesky: BlueskyFake;
let telegramGate: GateProxy;
let items: FeedItem[];
let ws: ReturnType<typeof workspace>;

beforeAll(async () => {
  site = await startFake();
  [telegram, mastodon, facebook, discord, linkedin, x, bluesky] = await Promise.all([
    startTelegramFake(TELEGRAM_TOKEN),
    startMastodonFake({ accessToken: MASTODON_TOKEN }),
    startFacebookFake({ pageId: PAGE, token: FACEBOOK_TOKEN }),
    startDiscordFake(),
    startLinkedInFake({ token: LINKEDIN_TOKEN }),
    startXFake(),
    startBlueskyFake(),
  ]);
  telegramGate = await startGateProxy(telegram.url, (r) => r.method === 'POST' && /\/editMessage(Text|Caption)$/.test(r.path));
  site.route('GET', '/images/exports.png', () => ({ headers: { 'content-type': 'image/png' }, body: PNG }));
  // Story 3 has an image: on Telegram it goes out as a photo, and is corrected as one.
  items = [
    { n: 3, title: 'Kazakhstan Exports Grow Again', lead: ORIGINAL_LEAD, image: `${site.url}/images/exports.png` },
    { n: 2, title: ORIGINAL_TITLE },
    { n: 1, title: 'Almaty Opens a New Metro Station' },
  ];
  site.route('GET', '/feed/', () => ({ headers: { 'content-type': 'application/rss+xml' }, body: rssFeed(items) }));
  ws = workspace(`
store: ./herald.db
feeds:
  - id: astanatimes
    url: ${site.url}/feed/
    backfill: 3
channels:
  - id: telegram
    platform: telegram
    chatId: "@corrections_test"
    apiRoot: ${telegramGate.url}
    auth: { botToken: "${TELEGRAM_TOKEN}" }
  - id: mastodon
    platform: mastodon
    apiRoot: ${mastodon.url}
    auth: { accessToken: ${MASTODON_TOKEN} }
  - id: facebook
    platform: facebook
    pageId: "${PAGE}"
    apiRoot: ${facebook.url}/v25.0
    auth: { pageAccessToken: ${FACEBOOK_TOKEN} }
  - id: discord
    platform: discord
    apiRoot: ${discord.url}
    auth: { webhookUrl: "${discord.webhookUrl}" }
  - id: linkedin
    platform: linkedin
    author: urn:li:organization:2414183
    apiRoot: ${linkedin.url}
    auth: { accessToken: ${LINKEDIN_TOKEN} }
  - id: x
    platform: x
    apiRoot: ${x.url}
    auth: { appKey: k, appSecret: s, accessToken: t, accessSecret: a }
  - id: bluesky
    platform: bluesky
    apiRoot: ${bluesky.url}
    auth: { identifier: astanatimes.bsky.social, password: app-pass-word-1234 }
  - id: telegram-quiet
    platform: telegram
    chatId: "@corrections_quiet"
    apiRoot: ${telegram.url}
    corrections: ignore
    auth: { botToken: "${TELEGRAM_TOKEN}" }
`);
});

afterAll(async () => {
  await Promise.all([site.close(), telegram.close(), mastodon.close(), facebook.close(), discord.close(), linkedin.close(), x.close(), bluesky.close(), telegramGate.close()]);
});

function once(onSpawn?: (child: ChildProcess) => void): Promise<CliResult> {
  return herald(['once', '--config', ws.config], onSpawn ? { onSpawn } : {});
}

/** How many posts each platform holds, and how many edits it took. */
function tally() {
  return {
    posts: {
      telegram: telegram.messages.filter((m) => m.chatId === '@corrections_test').length,
      telegramQuiet: telegram.messages.filter((m) => m.chatId === '@corrections_quiet').length,
      mastodon: mastodon.posts.length,
      facebook: facebook.posts.length,
      discord: discord.posts.length,
      linkedin: linkedin.posts.length,
      x: x.tweets.length,
      bluesky: bluesky.posts.length,
    },
    edits: {
      telegram: telegram.edits.filter((e) => e.chatId === '@corrections_test').length,
      telegramQuiet: telegram.edits.filter((e) => e.chatId === '@corrections_quiet').length,
      mastodon: mastodon.edits.length,
      facebook: facebook.edits.length,
      discord: discord.edits.length,
      linkedin: linkedin.edits.length,
    },
  };
}

const THREE_POSTS = { telegram: 3, telegramQuiet: 3, mastodon: 3, facebook: 3, discord: 3, linkedin: 3, x: 3, bluesky: 3 };

describe('corrections follow the article', () => {
  it('a corrected title and a corrected lead edit each post once where the platform can, and post nothing again', async () => {
    const first = await once();
    expect(first.code, first.stderr).toBe(0);
    expect(tally()).toEqual({ posts: THREE_POSTS, edits: { telegram: 0, telegramQuiet: 0, mastodon: 0, facebook: 0, discord: 0, linkedin: 0 } });
    expect(telegram.messages.find((m) => m.text.includes('story-3'))?.method).toBe('sendPhoto');

    items[0] = { ...items[0]!, lead: CORRECTED_LEAD };
    items[1] = { ...items[1]!, title: CORRECTED_TITLE, pubDate: new Date() };
    const second = await once();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('2 corrected (their posts are edited)');
    expect(tally()).toEqual({ posts: THREE_POSTS, edits: { telegram: 2, telegramQuiet: 0, mastodon: 2, facebook: 2, discord: 2, linkedin: 2 } });

    // What each platform now shows, post by post (Discord's lead is in its card).
    const shown = {
      telegram: telegram.messages.filter((m) => m.chatId === '@corrections_test').map((m) => m.text),
      mastodon: mastodon.posts.map((p) => p.text),
      facebook: facebook.posts.map((p) => p.message ?? p.caption ?? ''),
      discord: discord.posts.map((p) => JSON.stringify(p.body)),
      linkedin: linkedin.posts.map((p) => p.body.commentary.replace(/\\/g, '')),
    };
    for (const [platform, texts] of Object.entries(shown)) {
      expect({ platform, corrected: texts.filter((t) => t.includes('21%') || t.includes('$42 billion')).length, stale: texts.filter((t) => t.includes('18%') || t.includes('$40 billion')).length }).toEqual({
        platform,
        corrected: 2,
        stale: 0,
      });
    }
    // The photo post stayed a photo post: its caption was edited.
    expect(telegram.messages.find((m) => m.text.includes('story-3'))?.method).toBe('sendPhoto');
    expect(telegram.edits.map((e) => e.method).sort()).toEqual(['editMessageCaption', 'editMessageText']);

    const history = await herald(['history', '--config', ws.config, '--limit', '100']);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toContain('correction not applied: x cannot edit posts');
    expect(history.stdout).toContain('correction not applied: bluesky cannot edit posts');
    expect(history.stdout).not.toMatch(/\[telegram-quiet\] edit/);
    // Each edit is in history like a send, naming the post it corrects, with its attempt.
    const telegramEdits = history.stdout.split('\n#').filter((entry) => /^\d+ \[telegram\] edit of #\d+ sent:/.test(entry));
    expect(telegramEdits).toHaveLength(2);
    for (const entry of telegramEdits) expect(entry).toMatch(/attempt 1 at .*: edited/);
  });

  it('a second poll of the same corrected feed edits nothing', async () => {
    const before = tally();
    const r = await once();
    expect(r.code, r.stderr).toBe(0);
    expect(tally()).toEqual(before);
  });

  it('a restart between the poll and the edit still edits once', async () => {
    items[1] = { ...items[1]!, title: `${CORRECTED_TITLE} (Updated)` };
    telegramGate.decide = () => 'hang-before';
    let child: ChildProcess | undefined;
    const run = once((c) => (child = c));
    await telegramGate.nextHang();
    child!.kill('SIGKILL');
    await run;
    telegramGate.decide = () => 'pass';
    const before = tally();
    const r = await once();
    expect(r.code, r.stderr).toBe(0);
    const after = tally();
    expect(after.posts).toEqual(THREE_POSTS);
    expect(after.edits.telegram).toBe(before.edits.telegram + 1);
    expect(telegram.messages.find((m) => m.chatId === '@corrections_test' && m.text.includes('story-2'))?.text).toContain('(Updated)');
  });

  it('a SIGKILL during an edit leaves it retried, not duplicated', async () => {
    items[1] = { ...items[1]!, title: `${CORRECTED_TITLE} (Second Update)` };
    const editsBefore = tally().edits.telegram;
    telegramGate.decide = () => 'hang-after';
    let child: ChildProcess | undefined;
    const run = once((c) => (child = c));
    await telegramGate.nextHang();
    child!.kill('SIGKILL');
    await run;
    telegramGate.decide = () => 'pass';
    // The edit reached Telegram before the kill; Herald never heard back.
    expect(tally().edits.telegram).toBe(editsBefore + 1);
    const r = await once();
    expect(r.code, r.stderr).toBe(0);
    expect(tally()).toMatchObject({ posts: THREE_POSTS, edits: { telegram: editsBefore + 1 } });
    const sentTwice = telegram.fake.requests.filter((q) => /\/editMessageText$/.test(q.path) && JSON.stringify(q.json).includes('Second Update'));
    expect(sentTwice).toHaveLength(2);
  });
});
