import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { herald, workspace } from '../helpers/herald-cli.ts';

describe('herald validate', () => {
  it('prints every problem as `path: message` and exits 2, without a stack trace', async () => {
    const ws = workspace(`
feeds:
  - id: astanatimes
    url: https://astanatimes.com/feed/
    maxAgeHours: "two days"
channels:
  - id: broken
    platform: myspace
  - id: console
    platform: console
    template: "{titel}"
    colour: blue
`);
    const r = await herald(['validate', '--config', ws.config]);
    expect(r.code).toBe(2);
    // In file order, each with the entry's id and its line and column after the DESIGN.md form.
    expect(r.stdout.trim().split('\n')).toEqual([
      'feeds.0.maxAgeHours: Invalid input: expected number, received string — feeds[astanatimes].maxAgeHours at line 5, column 5',
      expect.stringMatching(/^channels\.0\.platform: unknown platform "myspace" \(expected one of: .*console.*\) — channels\[broken\]\.platform at line 8, column 5$/),
      expect.stringMatching(/^channels\.1\.template: unknown placeholder \{titel\}.* — channels\[console\]\.template at line 11, column 5$/),
      'channels.1.colour: unknown key (check the spelling; see config/herald.example.yaml) — channels[console].colour at line 12, column 5',
    ]);
    expect(r.stderr).toContain('4 problem(s)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('explains an empty config file', async () => {
    const r = await herald(['validate', '--config', workspace('').config]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^\(file\): the config file is empty: it needs `feeds` and `channels`/m);
  });

  it('accepts a good config, found through $HERALD_CONFIG', async () => {
    const ws = workspace('feeds:\n  - id: a\n    url: ./feed.xml\nchannels:\n  - id: c\n    platform: console\n');
    const r = await herald(['validate'], { env: { HERALD_CONFIG: ws.config } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK — 1 feed\(s\), 1 channel\(s\)/);
  });

  it('names a missing config file and what to do', async () => {
    const r = await herald(['validate'], { cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'herald-empty-')) });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/config file not found: pass --config FILE, set HERALD_CONFIG/);
  });
});
