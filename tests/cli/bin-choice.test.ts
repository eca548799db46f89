import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/herald-cli.ts';

const HOUR = 3600;
const made: string[] = [];

/** A copy of bin/herald.js beside stand-ins for the bundle and the sources, each saying which it is. */
function layout(files: { sources: boolean; bundle: boolean }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bin-'));
  made.push(dir);
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  fs.cpSync(path.join(REPO, 'bin/herald.js'), path.join(dir, 'bin/herald.js'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  write('package.json', '{ "type": "module" }\n');
  if (files.bundle) write('dist/main.js', "console.log('bundle');\n");
  if (files.sources) {
    write('src/cli/main.ts', "console.log('sources' as string);\n");
    write('adapters/x.ts', 'export {};\n');
  }
  return dir;
}

/** Sets a file's modification time to `seconds` after the epoch's first day. */
function age(dir: string, file: string, seconds: number): void {
  fs.utimesSync(path.join(dir, file), 86_400 + seconds, 86_400 + seconds);
}

async function ran(dir: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(dir, 'bin/herald.js')]);
  return stdout.trim();
}

afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('bin/herald.js runs the bundle or the sources', () => {
  it('runs the bundle of an installed package, which holds no sources, even when its files were extracted after it', async () => {
    const dir = layout({ sources: false, bundle: true });
    age(dir, 'dist/main.js', 0);
    age(dir, 'package.json', HOUR);
    expect(await ran(dir)).toBe('bundle');
  });

  it('in a checkout, runs the bundle while it is newer than every source, then the sources', async () => {
    const dir = layout({ sources: true, bundle: true });
    for (const file of ['package.json', 'src/cli/main.ts', 'adapters/x.ts']) age(dir, file, 0);
    age(dir, 'dist/main.js', HOUR);
    expect(await ran(dir)).toBe('bundle');

    age(dir, 'adapters/x.ts', 2 * HOUR);
    expect(await ran(dir)).toBe('sources');
  });

  it('runs the sources when the lock file changed after the bundle was built (it bundles the libraries)', async () => {
    const dir = layout({ sources: true, bundle: true });
    fs.writeFileSync(path.join(dir, 'package-lock.json'), '{}\n');
    for (const file of ['package.json', 'src/cli/main.ts', 'adapters/x.ts']) age(dir, file, 0);
    age(dir, 'dist/main.js', HOUR);
    age(dir, 'package-lock.json', 2 * HOUR);
    expect(await ran(dir)).toBe('sources');
  });

  it('runs the sources of a checkout that was never built', async () => {
    expect(await ran(layout({ sources: true, bundle: false }))).toBe('sources');
  });
});
