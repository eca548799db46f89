import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO, type CliResult } from './herald-cli.ts';

/** `herald auth CHANNEL` as a child process, with a scripted browser: it opens the printed URL and follows the redirect (or pastes it). */
export function authWithBrowser(
  channelId: string,
  config: string,
  env: NodeJS.ProcessEnv,
  browser: (url: string, child: ChildProcess) => Promise<void>,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin/herald.js'), 'auth', channelId, '--config', config], {
      cwd: REPO,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let opened = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const url = /^\s+(http\S+)$/m.exec(stdout)?.[1];
      if (url && !opened) {
        opened = true;
        browser(url, child).catch(reject);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The authorize page's answer: where it sends the browser. */
export async function authorize(url: string): Promise<URL> {
  const page = await fetch(url, { redirect: 'manual' });
  expect(page.status).toBe(302);
  return new URL(page.headers.get('location')!);
}
