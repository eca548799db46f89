import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { herald, workspace, type CliResult } from '../helpers/herald-cli.ts';

const CANARY = 'canary-Zq81xK0pW3';
const FEEDS = 'feeds:\n  - id: news\n    url: ./feed.xml\n';
const CONSOLE = `${FEEDS}channels:\n  - id: console\n    platform: console\n`;
const STACK_FRAME = /\n\s+at .+:\d+/;

/** The one line a user error ends in, and nothing a user should not see. */
function expectOneLine(r: CliResult, code: number, message: string | RegExp): void {
  expect(r.code).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  if (typeof message === 'string') expect(lines[0]).toBe(message);
  else expect(lines[0]).toMatch(message);
  expect(r.stderr + r.stdout).not.toMatch(STACK_FRAME);
  expect(r.stderr + r.stdout).not.toContain(CANARY);
}

describe('every failure a user can cause ends in one line: what failed, where — what to do', () => {
  it('a .env that is a directory', async () => {
    const ws = workspace(CONSOLE);
    fs.mkdirSync(path.join(ws.dir, '.env'));
    const r = await herald(['validate', '--config', ws.config]);
    expectOneLine(
      r,
      2,
      `herald: cannot read ${path.join(ws.dir, '.env')}: it is a directory, not a file — Herald reads variables from a .env file beside the config: make it a readable file, or remove it`,
    );
  });

  it.skipIf(process.getuid?.() === 0)('a .env that cannot be read', async () => {
    const ws = workspace(CONSOLE, `TOKEN=${CANARY}\n`);
    fs.chmodSync(path.join(ws.dir, '.env'), 0o000);
    const r = await herald(['validate', '--config', ws.config]);
    expectOneLine(r, 2, /^herald: cannot read .*\.env: permission denied — /);
  });

  it('a YAML alias bomb', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const ws = workspace(`${levels.join('\n')}\n${CONSOLE}`);
    const r = await herald(['validate', '--config', ws.config]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^\(file\): YAML: aliases \(\*name\) expand to too much \(Excessive alias count/m);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('--log-level loud, and the same in $HERALD_LOG_LEVEL', async () => {
    const ws = workspace(CONSOLE);
    expectOneLine(
      await herald(['--log-level', 'loud', 'validate', '--config', ws.config]),
      2,
      'herald: --log-level "loud" is not a log level — use one of: trace, debug, info, warn, error, fatal, silent',
    );
    expectOneLine(
      await herald(['validate', '--config', ws.config], { env: { HERALD_LOG_LEVEL: 'loud' } }),
      2,
      'herald: $HERALD_LOG_LEVEL "loud" is not a log level — use one of: trace, debug, info, warn, error, fatal, silent',
    );
  });

  it('history --limit abc and --limit -1', async () => {
    const ws = workspace(CONSOLE);
    expectOneLine(
      await herald(['history', '--limit', 'abc', '--config', ws.config]),
      2,
      'herald: --limit "abc" is not a whole number of 1 or more — give one, e.g. --limit 50',
    );
    expectOneLine(
      await herald(['history', '--limit=-1', '--config', ws.config]),
      2,
      'herald: --limit "-1" is not a whole number of 1 or more — give one, e.g. --limit 50',
    );
    expect(fs.existsSync(ws.store)).toBe(false);
  });

  it('an unknown command or option', async () => {
    expectOneLine(await herald(['pubish']), 2, "herald: unknown command 'pubish' — see `herald --help`");
    expectOneLine(await herald(['validate', '--strict']), 2, "herald: unknown option '--strict' — see `herald validate --help`");
  });

  it('a Discord webhookUrl that is not a URL, without printing it', async () => {
    const ws = workspace(`${FEEDS}channels:\n  - id: discord-main\n    platform: discord\n    auth: { webhookUrl: "\${DISCORD_WEBHOOK}" }\n`);
    const r = await herald(['validate', '--config', ws.config], { env: { DISCORD_WEBHOOK: `discord.com/api/webhooks/1/${CANARY}` } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(
      'channels.0.auth.webhookUrl: expected a webhook URL like https://discord.com/api/webhooks/<id>/<token> (Server Settings → Integrations → Webhooks → Copy Webhook URL) — channels[discord-main].auth.webhookUrl at line 7, column 13\n',
    );
    expect(r.stderr).toBe(`herald: ${ws.config}: 1 problem(s) — fix the lines above, then run \`herald validate\`\n`);
    expect(r.stdout + r.stderr).not.toContain(CANARY);
  });

  it('a store file that is not a store', async () => {
    const ws = workspace(CONSOLE.replace('feeds:', 'store: ./herald.db\nfeeds:'));
    fs.writeFileSync(ws.store, `not sqlite ${CANARY} `.repeat(200));
    const r = await herald(['status', '--config', ws.config]);
    expectOneLine(
      r,
      1,
      'herald: the store file is not a Herald store (or is damaged): file is not a database (SQLITE_NOTADB) — check the `store` path in the config; restore a backup if it was damaged',
    );
  });

  it('a store folder that cannot be created', async () => {
    const ws = workspace(CONSOLE.replace('feeds:', 'store: ./taken/herald.db\nfeeds:'));
    fs.writeFileSync(path.join(ws.dir, 'taken'), '');
    const r = await herald(['once', '--config', ws.config]);
    expectOneLine(r, 1, `herald: cannot mkdir ${path.join(ws.dir, 'taken')}: a file is in the way (EEXIST) — move it, or choose another path`);
  });

  it.skipIf(!fs.existsSync('/proc/self'))('a store path where the file system allows no folder (/proc): one line, no hang', async () => {
    const ws = workspace(CONSOLE.replace('feeds:', 'store: /proc/herald-store/herald.db\nfeeds:'));
    const r = await herald(['once', '--config', ws.config]);
    expectOneLine(r, 1, 'herald: cannot mkdir /proc/herald-store: the file system does not allow a folder here (ENOENT) — choose another path');
  });

  it('a read-only command on a store that does not exist yet: says so, creates nothing', async () => {
    const ws = workspace(CONSOLE.replace('feeds:', 'store: ./mistyped/herald.db\nfeeds:'));
    for (const command of [['status'], ['history'], ['retry', '1']]) {
      const r = await herald([...command, '--config', ws.config]);
      expectOneLine(r, 1, `herald: there is no store at ${path.join(ws.dir, 'mistyped', 'herald.db')} yet — run \`herald once\` or \`herald run\` first, or check \`store\` in the config`);
    }
    expect(fs.existsSync(path.join(ws.dir, 'mistyped'))).toBe(false);
  });

  it("read-only commands do not need the auth variables of channels they do not touch; once does", async () => {
    const ws = workspace(CONSOLE.replace('feeds:', 'store: ./herald.db\nfeeds:'));
    fs.copyFileSync(path.join(import.meta.dirname, '../fixtures/astanatimes-feed.xml'), path.join(ws.dir, 'feed.xml'));
    expect((await herald(['once', '--config', ws.config])).code).toBe(0);
    const telegram = '  - id: telegram-main\n    platform: telegram\n    chatId: "@herald_news"\n    auth: { botToken: "${UNSET_BOT_TOKEN}" }\n';
    fs.appendFileSync(ws.config, telegram);
    const env = { UNSET_BOT_TOKEN: undefined };
    const status = await herald(['status', '--config', ws.config], { env });
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('telegram-main');
    const history = await herald(['history', '--config', ws.config], { env });
    expect([history.code, history.stderr]).toEqual([0, '']);
    const once = await herald(['once', '--config', ws.config], { env });
    expect(once.code).toBe(2);
    expect(once.stdout + once.stderr).toContain('channels.1.auth.botToken: environment variable UNSET_BOT_TOKEN is not set');
  });

  it('with --debug, the same line and the stack trace', async () => {
    const ws = workspace(CONSOLE.replace('feeds:', 'store: ./taken/herald.db\nfeeds:'));
    fs.writeFileSync(path.join(ws.dir, 'taken'), '');
    const r = await herald(['--debug', 'once', '--config', ws.config]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^herald: cannot mkdir .*taken: a file is in the way \(EEXIST\) — move it, or choose another path\nError: EEXIST/);
    expect(r.stderr).toMatch(STACK_FRAME);
  });
});
