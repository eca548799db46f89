import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(REPO, 'bin/herald.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `herald ARGS` as a child process (asynchronously, so loopback fakes in the test
 * process keep answering while it runs).
 */
export function herald(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; onSpawn?: (child: ChildProcess) => void } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? REPO,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, HERALD_LOG_LEVEL: 'warn', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    opts.onSpawn?.(child);
  });
}

/** A fresh folder with a config file (and optionally a .env) in it. */
export function workspace(yaml: string, dotenv?: string): { dir: string; config: string; store: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-'));
  fs.writeFileSync(path.join(dir, 'herald.yaml'), yaml);
  if (dotenv !== undefined) fs.writeFileSync(path.join(dir, '.env'), dotenv);
  return { dir, config: path.join(dir, 'herald.yaml'), store: path.join(dir, 'herald.db') };
}
