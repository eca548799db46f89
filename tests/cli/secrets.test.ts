/**
 * DESIGN.md: "Secrets never appear in logs, errors, previews or the store". One config
 * with a channel for every platform, each with canary credentials from `${ENV}` and a
 * `.env` file, most of them failing the way that tends to leak (credentials refused,
 * errors echoing the token or the URL it is in, a connection refused to a URL holding
 * the token, a connection cut mid-send); then every command, at trace level, and broken
 * configs with secrets written in them. No byte of output, nor of the store, may hold a
 * canary, plain or URL-encoded.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters } from '../../adapters/index.ts';
import { REFUSED_URL, startFake, type HttpFake } from '../helpers/http-fake.ts';
import { herald, workspace, type CliResult } from '../helpers/herald-cli.ts';
import { rssFeed } from '../helpers/feed-xml.ts';
import { startXFake, type XFake } from '../fakes/x-api.ts';
import { startTelegramFake, telegramError, type TelegramFake } from '../fakes/telegram-api.ts';
import { startMastodonFake, type MastodonFake } from '../fakes/mastodon-api.ts';
import { startBlueskyFake, type BlueskyFake } from '../fakes/bluesky-api.ts';
import { graphError, startFacebookFake, startInstagramFake, startThreadsFake, type PlatformFake } from '../fakes/graph-api.ts';
import { startLinkedInFake } from '../fakes/linkedin-api.ts';
import { startDiscordFake, WEBHOOK_ID, type DiscordFake } from '../fakes/discord-api.ts';
import { startTikTokFake } from '../fakes/tiktok-api.ts';
import { startWebhookReceiverFake, type WebhookReceiverFake } from '../fakes/webhook-receiver.ts';

const DISCORD_TOKEN = 'CANARY-discord-webhook-token-e81a';
/** Every credential of the config, by the variable that supplies it. Each holds "CANARY"; nothing else Herald sees does. */
const SECRETS = {
  X_APP_KEY: 'CANARY-x-appkey-7f3a9c',
  X_APP_SECRET: 'CANARY-x-appsecret-41d2e8',
  X_ACCESS_TOKEN: 'CANARY-x-accesstoken-9b7c10',
  X_ACCESS_SECRET: 'CANARY-x-accesssecret-c3e5a4',
  TELEGRAM_TOKEN_REFUSED: '999999:CANARYtelegramToken401x7Hq',
  TELEGRAM_TOKEN_BAD_CHAT: '888888:CANARYtelegramToken400bK2p',
  TELEGRAM_TOKEN_DOWN: '777777:CANARYtelegramTokenDownZz9w',
  MASTODON_TOKEN: 'CANARY+mastodon/token=5c8e1f',
  BLUESKY_IDENTIFIER: 'CANARY-bsky-identifier.example.com',
  BLUESKY_PASSWORD: 'CANARY-bsky-app-password-8e3b',
  FACEBOOK_TOKEN: 'CANARY-facebook-page-token-0d4f',
  INSTAGRAM_TOKEN: 'CANARY+instagram/token=6a1c',
  THREADS_TOKEN: 'CANARY-threads-token-3f9e',
  LINKEDIN_TOKEN: 'CANARY-linkedin-token-b27d',
  DISCORD_WEBHOOK_URL: `https://discord.com/api/webhooks/${WEBHOOK_ID}/${DISCORD_TOKEN}`,
  TIKTOK_TOKEN: 'CANARY-tiktok-token-4c0b',
  WEBHOOK_SECRET: 'CANARY-webhook-hmac-secret-92fd7e',
};
/** Secrets written into broken config files themselves, not through the environment. */
const LITERAL_SECRETS = ['CANARY-literal-webhook-secret-0a1b', 'CANARY-literal-bsky-pass-2c3d', '123456:CANARYliteralTelegram4e5f', '654321:CANARYliteralKeyAsName6a7b'];

const PAGE_ID = '100200300400';
const IG_USER_ID = '17841400000000001';
const THREADS_USER_ID = '25000000000000001';
/** Outcome of the first attempt on each channel: what the canaries went through. */
const EXPECTED_OUTCOMES = {
  'x-main': 'auth',
  'telegram-refused': 'auth',
  'telegram-bad-chat': 'permanent',
  'telegram-down': 'retry',
  mastodon: 'auth',
  bluesky: 'sent',
  facebook: 'in-doubt',
  instagram: 'auth',
  threads: 'sent',
  linkedin: 'sent',
  discord: 'auth',
  tiktok: 'auth',
  webhook: 'retry',
  console: 'sent',
};
const BOUND_MS = 30_000;

let site: HttpFake;
let x: XFake;
let telegramRefused: TelegramFake;
let telegramBadChat: TelegramFake;
let mastodon: MastodonFake;
let bluesky: BlueskyFake;
let facebook: PlatformFake<unknown>;
let instagram: PlatformFake<unknown>;
let threads: PlatformFake<unknown>;
let linkedin: PlatformFake<unknown>;
let discord: DiscordFake;
let tiktok: PlatformFake<unknown>;
let receiver: WebhookReceiverFake;
let ws: ReturnType<typeof workspace>;
let runConfig: string;
/** The run's -wal and -shm files, read while it was running. */
const liveStoreFiles: Buffer[] = [];

function channelsYaml(): string {
  const channel = (id: string, platform: string, lines: string[]) =>
    [`  - id: ${id}`, `    platform: ${platform}`, '    minIntervalSeconds: 3600', ...lines.map((l) => `    ${l}`)].join('\n');
  return [
    channel('x-main', 'x', [`apiRoot: ${x.url}`, 'auth: { appKey: "${X_APP_KEY}", appSecret: "${X_APP_SECRET}", accessToken: "${X_ACCESS_TOKEN}", accessSecret: "${X_ACCESS_SECRET}" }']),
    channel('telegram-refused', 'telegram', ['chatId: "@herald_test"', `apiRoot: ${telegramRefused.url}`, 'auth: { botToken: "${TELEGRAM_TOKEN_REFUSED}" }']),
    channel('telegram-bad-chat', 'telegram', ['chatId: "@herald_test"', `apiRoot: ${telegramBadChat.url}`, 'auth: { botToken: "${TELEGRAM_TOKEN_BAD_CHAT}" }']),
    channel('telegram-down', 'telegram', ['chatId: "@herald_test"', `apiRoot: ${REFUSED_URL}`, 'auth: { botToken: "${TELEGRAM_TOKEN_DOWN}" }']),
    channel('mastodon', 'mastodon', [`apiRoot: ${mastodon.url}`, 'auth: { accessToken: "${MASTODON_TOKEN}" }']),
    channel('bluesky', 'bluesky', [`apiRoot: ${bluesky.url}`, 'auth: { identifier: "${BLUESKY_IDENTIFIER}", password: "${BLUESKY_PASSWORD}" }']),
    channel('facebook', 'facebook', [`pageId: "${PAGE_ID}"`, `apiRoot: ${facebook.url}`, 'auth: { pageAccessToken: "${FACEBOOK_TOKEN}" }']),
    channel('instagram', 'instagram', [`igUserId: "${IG_USER_ID}"`, `apiRoot: ${instagram.url}`, 'auth: { accessToken: "${INSTAGRAM_TOKEN}" }']),
    channel('threads', 'threads', [`userId: "${THREADS_USER_ID}"`, `apiRoot: ${threads.url}`, 'auth: { accessToken: "${THREADS_TOKEN}" }']),
    channel('linkedin', 'linkedin', ['author: urn:li:organization:5515715', `apiRoot: ${linkedin.url}`, 'auth: { accessToken: "${LINKEDIN_TOKEN}" }']),
    channel('discord', 'discord', [`apiRoot: ${discord.url}`, 'auth: { webhookUrl: "${DISCORD_WEBHOOK_URL}" }']),
    channel('tiktok', 'tiktok', [`apiRoot: ${tiktok.url}`, 'auth: { accessToken: "${TIKTOK_TOKEN}" }']),
    channel('webhook', 'webhook', [`url: ${receiver.endpoint}`, 'auth: { secret: "${WEBHOOK_SECRET}" }']),
    channel('console', 'console', []),
  ].join('\n');
}

function configYaml(store: string): string {
  // minIntervalSeconds (above) keeps failed sends from being retried within `once`'s 60 s wait.
  return `store: ${store}
feeds:
  - id: news
    url: ${site.url}/feed/
    backfill: 1
channels:
${channelsYaml()}
`;
}

/** The one-shot failures, armed before each command that sends. */
function armFailures(): void {
  telegramBadChat.respondNext(() => telegramError(400, 'Bad Request: chat not found'));
  // Servers that quote the credentials they refuse: the token header, the URL with the token in its path or query.
  mastodon.respondNext((req) => ({ status: 401, body: { error: `The access token is invalid (${req.headers.authorization})` } }));
  discord.respondNext((req) => ({ status: 404, body: { message: `Unknown Webhook ${req.url}`, code: 10015 } }));
  instagram.respondNext((req) => graphError(400, 190, `Invalid OAuth access token - Cannot parse access token in ${req.url}`));
  receiver.respondNext(() => ({ status: 500, headers: { 'content-type': 'text/plain' }, body: 'internal error' }));
}

beforeAll(async () => {
  site = await startFake();
  const photo = await sharp({ create: { width: 1200, height: 630, channels: 3, background: '#3a6ea5' } }).jpeg().toBuffer();
  site.route('GET', '/feed/', () => ({
    headers: { 'content-type': 'application/rss+xml; charset=UTF-8' },
    body: rssFeed([{ n: 1, image: `${site.url}/uploads/photo.jpg` }]),
  }));
  site.route('GET', '/uploads/photo.jpg', () => ({ headers: { 'content-type': 'image/jpeg' }, body: photo }));
  [x, telegramRefused, telegramBadChat, mastodon, bluesky, facebook, instagram, threads, linkedin, discord, tiktok, receiver] = await Promise.all([
    // The fakes that refuse the credentials expect other ones.
    startXFake({ keys: { appKey: 'other-app-key', appSecret: 'other-app-secret', accessToken: 'other-token', accessSecret: 'other-secret' } }),
    startTelegramFake('111111:anotherBotsToken'),
    startTelegramFake(SECRETS.TELEGRAM_TOKEN_BAD_CHAT),
    startMastodonFake({ accessToken: 'another-mastodon-token' }),
    startBlueskyFake({ identifier: SECRETS.BLUESKY_IDENTIFIER, password: SECRETS.BLUESKY_PASSWORD }),
    startFacebookFake({ pageId: PAGE_ID, token: SECRETS.FACEBOOK_TOKEN }),
    startInstagramFake({ igUserId: IG_USER_ID, token: 'another-instagram-token' }),
    startThreadsFake({ userId: THREADS_USER_ID, token: SECRETS.THREADS_TOKEN }),
    startLinkedInFake({ token: SECRETS.LINKEDIN_TOKEN }),
    startDiscordFake(DISCORD_TOKEN),
    startTikTokFake({ token: 'another-tiktok-token' }),
    startWebhookReceiverFake(SECRETS.WEBHOOK_SECRET),
  ]);
  // Facebook takes the post, then the connection drops before its answer.
  facebook.fake.route('POST', `/${PAGE_ID}/feed`, (_req, res) => {
    res.socket?.destroy();
    return undefined;
  });
  const dotenv = Object.entries(SECRETS)
    .map(([name, value]) => `${name}="${value}"`)
    .join('\n');
  ws = workspace(configYaml('./herald.db'), `${dotenv}\n`);
  runConfig = path.join(ws.dir, 'run.yaml');
  fs.writeFileSync(runConfig, configYaml('./run.db'));
});

afterAll(async () => {
  await Promise.all([site, x, telegramRefused, telegramBadChat, mastodon, bluesky, facebook, instagram, threads, linkedin, discord, tiktok, receiver].map((f) => f.close()));
});

const CANARY = /canary/gi;

/** Each occurrence of a canary in `text` with some context; empty when there is none. */
function leaks(text: string): string[] {
  const found = [...text.matchAll(CANARY)].map((m) => text.slice(Math.max(0, m.index - 60), m.index + 60));
  for (const secret of [...Object.values(SECRETS), ...LITERAL_SECRETS]) {
    for (const form of [secret, encodeURIComponent(secret)]) if (text.includes(form)) found.push(form);
  }
  return found;
}

function outputOf(r: CliResult): string {
  return `${r.stdout}\n${r.stderr}`;
}

/** Polls `check` until it is true, at most BOUND_MS. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + BOUND_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${BOUND_MS} ms`);
    await sleep(100);
  }
}

const cli = (args: string[]) => herald(args, { env: { HERALD_LOG_LEVEL: 'trace' } });

/** The outcome of the first attempt on each channel ({} while the store does not exist yet). */
function firstOutcomes(store: string): Record<string, string | null> {
  if (!fs.existsSync(store)) return {};
  const db = new Database(store, { readonly: true });
  try {
    const rows = db.prepare('SELECT channel_id AS channel, outcome FROM attempts WHERE n = 1 ORDER BY channel_id').all() as { channel: string; outcome: string | null }[];
    return Object.fromEntries(rows.map((r) => [r.channel, r.outcome]));
  } finally {
    db.close();
  }
}

function reasonsOf(store: string): Record<string, string> {
  const db = new Database(store, { readonly: true });
  try {
    const rows = db.prepare('SELECT channel_id AS channel, detail FROM attempts WHERE n = 1 AND detail IS NOT NULL').all() as { channel: string; detail: string }[];
    return Object.fromEntries(rows.map((r) => [r.channel, r.detail]));
  } finally {
    db.close();
  }
}

describe('canary secrets never appear', () => {
  it('the config has a channel for every platform Herald knows', () => {
    const platforms = [...channelsYaml().matchAll(/platform: (\S+)/g)].map((m) => m[1]);
    expect(new Set(platforms)).toEqual(new Set(Object.keys(adapters)));
  });

  it('in `validate` and `preview` (text and --json)', async () => {
    const [validate, preview, json] = await Promise.all([
      cli(['validate', '--config', ws.config]),
      cli(['preview', '--config', ws.config]),
      cli(['preview', '--config', ws.config, '--json']),
    ]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('OK — 1 feed(s), 14 channel(s)');
    expect(preview.code, preview.stderr).toBe(0);
    for (const id of Object.keys(EXPECTED_OUTCOMES)) expect(preview.stdout).toContain(`[${id} · `);
    expect(json.code, json.stderr).toBe(0);
    const posts = JSON.parse(json.stdout) as { channel: string; post?: { text: string } }[];
    expect(posts.map((p) => p.channel).sort()).toEqual(Object.keys(EXPECTED_OUTCOMES).sort());
    expect(posts.every((p) => p.post?.text.includes('Kazakhstan and partners sign agreement number 1'))).toBe(true);
    for (const r of [validate, preview, json]) expect(leaks(outputOf(r))).toEqual([]);
  });

  it('in `once` at trace level, while every channel fails or posts as planned', async () => {
    armFailures();
    const r = await cli(['once', '--config', ws.config]);
    expect(r.code, r.stderr).toBe(1);
    expect(firstOutcomes(ws.store)).toEqual(EXPECTED_OUTCOMES);
    const reasons = reasonsOf(ws.store);
    // The echoed credentials and the token in the refused URL were there, and masked.
    for (const id of ['mastodon', 'discord', 'instagram', 'telegram-down']) expect(reasons[id]).toMatch(/\[redacted\]/i);
    expect(reasons['telegram-down']).toMatch(/ECONNREFUSED/);
    expect(reasons.facebook).toMatch(/may have been published/);
    expect(r.stdout).toMatch(/\[telegram-bad-chat\] #\d+ permanent: ".*" — Telegram refused the post \(400\): Bad Request: chat not found/);
    for (const msg of ['delivery sent', 'delivery pending', 'delivery failed', 'delivery in_doubt']) expect(r.stderr).toContain(`"msg":"${msg}"`);
    expect(leaks(outputOf(r))).toEqual([]);
  });

  it('in `status` and `history`', async () => {
    const [status, history] = await Promise.all([cli(['status', '--config', ws.config]), cli(['history', '--config', ws.config])]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/x-main \(x\): 1 queued, next due .* — PAUSED: X refused the credentials \(HTTP 401/);
    expect(status.stdout).toMatch(/Failed .*:\n {2}#\d+ \[telegram-bad-chat\]/);
    expect(status.stdout).toMatch(/In doubt: .*:\n {2}#\d+ \[facebook\]/);
    expect(history.code).toBe(0);
    expect(history.stdout.match(/attempt 1 at .*: auth — /g)).toHaveLength(6);
    expect(history.stdout).toMatch(/\[discord\] pending: .*\n.*\n {4}attempt 1 at .*: auth — Discord HTTP 404: Unknown Webhook \/api\/webhooks\/\d+\/\[redacted\]\?wait=true/);
    for (const r of [status, history]) expect(leaks(outputOf(r))).toEqual([]);
  });

  it('in a short `herald run` stopped with SIGTERM', async () => {
    armFailures();
    const runStore = path.join(ws.dir, 'run.db');
    let child: ChildProcess | undefined;
    const run = herald(['run', '--config', runConfig], { env: { HERALD_LOG_LEVEL: 'trace' }, onSpawn: (c) => (child = c) });
    const settledChannels = () => {
      try {
        return Object.values(firstOutcomes(runStore)).filter((o) => o !== null).length;
      } catch {
        return 0; // the store is still being created
      }
    };
    try {
      await until(() => settledChannels() === 14, 'a first attempt settled on every channel');
      // The write-ahead log and its index exist only while the store is open.
      for (const suffix of ['-wal', '-shm']) liveStoreFiles.push(fs.readFileSync(`${runStore}${suffix}`));
    } finally {
      child!.kill('SIGTERM');
    }
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    // A second post of the same article may be refused as a duplicate, which is a success too.
    const outcomes = Object.entries(firstOutcomes(runStore)).map(([id, o]) => [id, o === 'already-posted' ? 'sent' : o]);
    expect(Object.fromEntries(outcomes)).toEqual(EXPECTED_OUTCOMES);
    expect(r.stderr).toMatch(/"msg":"stopped"/);
    expect(leaks(outputOf(r))).toEqual([]);
  });

  it('in config errors next to secrets: a syntax error, a bad alias and key, a missing variable', async () => {
    const broken = (name: string, yaml: string) => {
      const file = path.join(ws.dir, name);
      fs.writeFileSync(file, yaml);
      return file;
    };
    // A stray space before the first key: yaml then quotes every token of the file in its errors.
    const syntax = broken(
      'syntax.yaml',
      ` store: ./syntax.db
feeds:
  - id: news
    url: ${site.url}/feed/
channels:
  - id: webhook
    platform: webhook
    url: ${receiver.endpoint}
    auth: { secret: "${LITERAL_SECRETS[0]}" }
`,
    );
    const yamlTraps = broken(
      'traps.yaml',
      `store: ./traps.db
feeds:
  - id: news
    url: ${site.url}/feed/
channels:
  - id: bluesky
    platform: bluesky
    auth: { identifier: desk.bsky.social, password: *${LITERAL_SECRETS[1]} }
  - id: telegram
    platform: telegram
    chatId: "@herald_test"
    auth: { botToken: {{ ${LITERAL_SECRETS[2]} }} }
`,
    );
    const unset = broken(
      'unset.yaml',
      configYaml('./unset.db').replace('"${TELEGRAM_TOKEN_DOWN}"', '"${NOT_SET_ANYWHERE}"') +
        `  - id: telegram-key-as-name
    platform: telegram
    chatId: "@herald_test"
    auth: { ${LITERAL_SECRETS[3]} }
`,
    );
    const runs = await Promise.all([
      cli(['validate', '--config', syntax]),
      cli(['validate', '--config', yamlTraps]),
      cli(['run', '--config', unset]),
    ]);
    const [syntaxValidate, trapsValidate, unsetRun] = runs;
    for (const r of runs) expect(r.code, r.stderr).toBe(2);

    const syntaxLines = syntaxValidate!.stdout.trim().split('\n');
    expect(syntaxLines.length).toBeGreaterThan(20);
    for (const line of syntaxLines) expect(line).toMatch(/^\(file\): YAML syntax error at line \d+, column \d+: [^"]+$/);
    expect(syntaxLines).toContain('(file): YAML syntax error at line 9, column 21: Unexpected double-quoted-scalar token in YAML stream');

    expect(trapsValidate!.stdout.split('\n')).toEqual([
      '(file): YAML syntax error at line 8, column 53: a value starting with "*" refers to an anchor (&name) that does not exist; if it is meant as text, put it in quotes',
      '(file): YAML syntax error at line 12, column 24: a key cannot be a mapping or a list: check the braces and brackets',
      '',
    ]);

    // `run` never starts: the problems, and no store.
    expect(unsetRun!.stdout).toBe('');
    expect(unsetRun!.stderr.split('\n')).toEqual([
      expect.stringMatching(
        /^channels\.3\.auth\.botToken: environment variable NOT_SET_ANYWHERE is not set \(set it, or add it to the \.env file beside the config\) — channels\[[\w-]+\]\.auth\.botToken at line \d+, column \d+$/,
      ),
      'channels.14.auth: unknown key (its name is not shown: anything under auth may be a secret; check the names against config/herald.example.yaml) — channels[telegram-key-as-name].auth at line 85, column 5',
      'channels.14.auth.botToken: required: string missing — channels[telegram-key-as-name].auth.botToken at line 85, column 5',
      `herald: ${unset}: 3 problem(s) — fix the lines above, then run \`herald validate\``,
      '',
    ]);
    expect(fs.existsSync(path.join(ws.dir, 'unset.db'))).toBe(false);

    for (const r of runs) expect(leaks(outputOf(r))).toEqual([]);
  });

  it('in the bytes of the stores (database, -wal and -shm files)', () => {
    const files = fs.readdirSync(ws.dir).filter((name) => !name.endsWith('.yaml') && name !== '.env');
    expect(files).toEqual(expect.arrayContaining(['herald.db', 'run.db']));
    expect(liveStoreFiles).toHaveLength(2);
    const bytes = Buffer.concat([...files.map((name) => fs.readFileSync(path.join(ws.dir, name))), ...liveStoreFiles]).toString('latin1');
    // The failures' reasons are stored, with the echoed credentials masked.
    expect(bytes).toContain('[redacted]');
    expect(leaks(bytes)).toEqual([]);
  });
});
