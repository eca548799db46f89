import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { configSchema } from '../../src/cli/context.ts';
import { ConfigError } from '../../src/errors.ts';

function write(yaml: string, dotenv?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-config-'));
  fs.writeFileSync(path.join(dir, 'herald.yaml'), yaml);
  if (dotenv !== undefined) fs.writeFileSync(path.join(dir, '.env'), dotenv);
  return path.join(dir, 'herald.yaml');
}

function problems(file: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    loadConfig(file, configSchema, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

const MINIMAL = `
feeds:
  - id: astanatimes
    url: https://astanatimes.com/feed/
channels:
  - id: console
    platform: console
`;

describe('config loading', () => {
  it('applies the defaults of DESIGN.md and resolves the store beside the config', () => {
    const file = write(MINIMAL);
    const { config } = loadConfig(file, configSchema, {});
    expect(config.store).toBe(path.join(path.dirname(file), 'data/herald.db'));
    expect(config.feeds[0]).toMatchObject({ schedule: '*/5 * * * *', backfill: 0, maxAgeHours: 48, floodThreshold: 10, timeoutSeconds: 30, maxBytes: 10_485_760 });
    expect(config.channels[0]).toMatchObject({ dryRun: false, minIntervalSeconds: 0, hashtags: { fromCategories: true, max: 2 } });
  });

  it('substitutes ${NAME} from the environment and from .env beside the config, environment first', () => {
    const file = write(MINIMAL.replace('https://astanatimes.com/feed/', '${FEED_URL}').replace('id: console\n', 'id: ${CHANNEL}\n'), 'FEED_URL=https://from-dotenv.example/feed\nCHANNEL=from-dotenv\n');
    const loaded = loadConfig(file, configSchema, { CHANNEL: 'from-env' });
    expect(loaded.config.feeds[0]!.url).toBe('https://from-dotenv.example/feed');
    expect(loaded.config.channels[0]!.id).toBe('from-env');
  });

  it('reports every problem at once as dotted paths, missing variables among them', () => {
    const file = write(`
feeds:
  - id: astanatimes
    url: \${MISSING_FEED_URL}
    schedule: "every five minutes"
    backfil: 3
channels:
  - id: c1
    platform: myspace
  - id: c2
    platform: console
    feeds: [nope]
    minIntervalSeconds: -1
`);
    expect(problems(file)).toEqual([
      'feeds.0.url: environment variable MISSING_FEED_URL is not set (set it, or add it to the .env file beside the config)',
      'feeds.0.schedule: not a valid cron expression (e.g. "*/5 * * * *")',
      'feeds.0.backfil: unknown key (check the spelling; see config/herald.example.yaml)',
      expect.stringMatching(/^channels\.0\.platform: unknown platform "myspace" \(expected one of: x, telegram, .*console\)$/),
      'channels.1.feeds.0: unknown feed "nope" (feeds are: astanatimes)',
      'channels.1.minIntervalSeconds: Too small: expected number to be >=0',
    ]);
  });

  it('explains a missing file and YAML syntax errors with their line', () => {
    expect(problems('/nonexistent/herald.yaml')[0]).toMatch(/config file not found: pass --config/);
    expect(problems(write('feeds: [\n  - id: a\nchannels: x: y\n'))[0]).toMatch(/^: YAML syntax error at line \d+, column \d+/);
  });

  it('explains a merge key that does not name a mapping', () => {
    expect(problems(write(`${MINIMAL}x-defaults: &d just text\nx-use:\n  <<: *d\n`))).toEqual([
      ': YAML: Merge sources must be maps or map aliases: a "<<" key takes an alias of a mapping, as in <<: *defaults',
    ]);
  });

  it('collects values under auth as secrets', () => {
    const file = write(`${MINIMAL}    dryRun: true\n`);
    expect(loadConfig(file, configSchema, {}).secrets).toEqual([]);
  });
});
