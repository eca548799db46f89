import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { herald, REPO } from '../helpers/herald-cli.ts';

const PRELOAD = pathToFileURL(path.join(REPO, 'tests/helpers/record-loaded-libraries.mjs')).href;
const DEMO = path.join(REPO, 'config/demo.yaml');
/** The platforms' client libraries and sharp (its JavaScript or its libvips binding): each costs a large part of a second to load. */
const HEAVY = /[\\/]node_modules[\\/](?:@atproto|twitter-api-v2|telegraf|sharp|@img[\\/]sharp-)[\\/]|libvips/;

/** Runs a process with the probe preloaded; what it returned and every library it loaded. */
async function probed<T>(run: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<{ result: T; loaded: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-loaded-'));
  const file = path.join(dir, 'loaded.txt');
  try {
    const result = await run({ NODE_OPTIONS: `--import=${PRELOAD}`, HERALD_LOADED_LIBRARIES: file });
    return { result, loaded: fs.readFileSync(file, 'utf8').split('\n') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('client libraries and sharp load only when a post is sent', () => {
  it('are seen by the probe when a process loads them', async () => {
    const { loaded } = await probed((env) =>
      promisify(execFile)(process.execPath, ['--input-type=module', '-e', "for (const lib of ['@atproto/api', 'twitter-api-v2', 'telegraf', 'sharp']) await import(lib);"], {
        cwd: REPO,
        env: { ...process.env, ...env },
      }),
    );
    for (const lib of ['@atproto/api', 'twitter-api-v2', 'telegraf']) {
      expect(loaded.some((p) => p.includes(`${path.join('node_modules', lib)}${path.sep}`)), lib).toBe(true);
    }
    expect(loaded.some((p) => /libvips/.test(p))).toBe(true);
  });

  it('are not loaded by `herald validate`, which imports every adapter', async () => {
    const { result, loaded } = await probed((env) => herald(['validate', '--config', DEMO], { env }));
    expect(result.code).toBe(0);
    expect(loaded.filter((p) => HEAVY.test(p))).toEqual([]);
  });

  it('are not loaded by a dry run, which renders an X, a Telegram and a Bluesky post for every article', async () => {
    const { result, loaded } = await probed((env) => herald(['once', '--config', DEMO], { env }));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\[bluesky-demo\] #\d+ dry-run: /m);
    expect(loaded.filter((p) => HEAVY.test(p))).toEqual([]);
  });
});
