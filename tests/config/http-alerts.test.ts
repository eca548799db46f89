import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapters, unsupportedPlatforms } from '../../adapters/index.ts';
import { loadConfig } from '../../src/config/load.ts';
import { buildConfigSchema } from '../../src/config/schema.ts';
import { ConfigError } from '../../src/errors.ts';

const schema = buildConfigSchema(Object.values(adapters), unsupportedPlatforms);

function write(yaml: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-http-config-'));
  fs.writeFileSync(path.join(dir, 'herald.yaml'), yaml);
  return path.join(dir, 'herald.yaml');
}

function problems(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    loadConfig(write(yaml), schema, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

const BASE = `
feeds:
  - id: astanatimes
    url: https://astanatimes.com/feed/
channels:
  - id: console
    platform: console
  - id: ops
    platform: console
    feeds: []
`;

describe('http and alerts config', () => {
  it('takes http and alerts with their defaults, and counts the token as a secret', () => {
    const loaded = loadConfig(write(`${BASE}http:\n  token: "\${HERALD_CONSOLE_TOKEN}"\nalerts:\n  to: [ops]\n`), schema, { HERALD_CONSOLE_TOKEN: 'tok-3f9a1c77e2' });
    expect(loaded.config.http).toEqual({ listen: '127.0.0.1:8080', token: 'tok-3f9a1c77e2' });
    expect(loaded.config.alerts).toEqual({ to: ['ops'], feedFailures: 3, batchSeconds: 30, minIntervalSeconds: 300 });
    expect(loaded.secrets).toContain('tok-3f9a1c77e2');
  });

  it('requires the token, and says why louder when the address is reachable from other machines', () => {
    expect(problems(`${BASE}http:\n  listen: 127.0.0.1:9000\n`)).toEqual([
      'http.token: required: the console and API need it; set http.token, e.g. token: "${HERALD_CONSOLE_TOKEN}" with a value from `openssl rand -hex 32`',
    ]);
    expect(problems(`${BASE}http:\n  listen: 0.0.0.0:8080\n  token: ""\n`)).toEqual([
      'http.token: required: 0.0.0.0:8080 is reachable from other machines, and the console and API must never be open there; set http.token, e.g. token: "${HERALD_CONSOLE_TOKEN}" with a value from `openssl rand -hex 32`',
    ]);
  });

  it('rejects a listen address that is not HOST:PORT, and unknown keys', () => {
    expect(problems(`${BASE}http:\n  listen: "8080"\n  token: t0k3n-long\n  port: 1\n`)).toEqual([
      'http.listen: expected HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080',
      'http.port: unknown key (check the spelling; see config/herald.example.yaml)',
    ]);
  });

  it('checks alert channels against the channels and feedFailures as a positive whole number', () => {
    expect(problems(`${BASE}alerts:\n  to: [ops, pager]\n  feedFailures: 0\n`).sort()).toEqual([
      'alerts.feedFailures: Too small: expected number to be >=1',
      'alerts.to.1: unknown channel "pager" (channels are: console, ops)',
    ]);
  });
});
