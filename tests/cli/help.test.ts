import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpText } from '../../src/cli/help.ts';
import { herald, REPO } from '../helpers/herald-cli.ts';

const COMMANDS = ['herald', 'init', 'validate', 'preview', 'once', 'run', 'status', 'history', 'retry', 'skip', 'release', 'resume'];
const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };

describe('people-friendly CLI', () => {
  it('ends the help of every command with an example and its exit codes', () => {
    for (const command of COMMANDS) {
      expect(helpText(command), command).toMatch(/^\nExamples:\n {2}\$ herald.*\n(?:.*\n)*\nExit codes:\n(?: {2}\d+ .+\n)+$/);
    }
  });

  it('prints them with --help, and the version with -v and --version', async () => {
    const help = await herald(['once', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(helpText('once'));
    expect((await herald(['-v'])).stdout).toBe(`${version}\n`);
    expect((await herald(['--version'])).stdout).toBe(`${version}\n`);
  });

  it('`once` prints each post once: the readable block, no JSON log unless a level is asked for', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-once-'));
    for (const f of ['demo.yaml', 'demo-feed.xml']) fs.copyFileSync(path.join(REPO, 'config', f), path.join(dir, f));
    const r = await herald(['once', '--config', path.join(dir, 'demo.yaml')], { env: { HERALD_LOG_LEVEL: undefined } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const posts = r.stdout.match(/^\[[\w-]+\] #\d+ dry-run: /gm) ?? [];
    expect(posts.length).toBeGreaterThan(0);
    expect(new Set(posts).size).toBe(posts.length);
  });
});
