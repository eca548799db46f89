import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapters, unsupportedPlatforms } from '../../adapters/index.ts';
import { loadConfig } from '../../src/config/load.ts';
import { buildConfigSchema } from '../../src/config/schema.ts';
import { ConfigError } from '../../src/errors.ts';

const schema = buildConfigSchema(Object.values(adapters), unsupportedPlatforms);

function load(store: string, env: NodeJS.ProcessEnv = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-store-config-'));
  const file = path.join(dir, 'herald.yaml');
  fs.writeFileSync(file, `store: "${store}"\nfeeds:\n  - id: a\n    url: https://astanatimes.com/feed/\nchannels:\n  - id: console\n    platform: console\n`);
  try {
    return loadConfig(file, schema, env);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the `store` setting', () => {
  it('keeps a postgres:// or postgresql:// URL as written and gives its password to the redactor', () => {
    const loaded = load('postgres://herald:${PGPASSWORD}@db.internal:5432/herald?pool=4', { PGPASSWORD: 'pg-secret-value' });
    expect(loaded.config.store).toBe('postgres://herald:pg-secret-value@db.internal:5432/herald?pool=4');
    expect(loaded.secrets).toContain('pg-secret-value');
    expect(load('postgresql://db.internal/herald').config.store).toBe('postgresql://db.internal/herald');
  });

  it('resolves a SQLite file beside the config', () => {
    expect(path.basename(load('./data/news.db').config.store)).toBe('news.db');
    expect(path.isAbsolute(load('./data/news.db').config.store)).toBe(true);
  });

  it('an unsupported URL scheme is a config error naming it', () => {
    let problems: string[] = [];
    try {
      load('mysql://herald:pw@db/herald');
    } catch (err) {
      problems = (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    }
    expect(problems).toEqual(['store: unsupported store URL scheme "mysql:" (expected a SQLite file path, postgres:// or postgresql://)']);
  });
});
