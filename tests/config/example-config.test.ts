import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.ts';
import { configSchema } from '../../src/cli/context.ts';
import { adapters } from '../../adapters/index.ts';

const example = fs.readFileSync(new URL('../../config/herald.example.yaml', import.meta.url), 'utf8');

/** The example with every commented-out channel switched on. */
function uncommented(): string {
  return example.replace(/^ {2}# (- id:| {2}\S)/gm, '  $1');
}

describe('config/herald.example.yaml', () => {
  it('validates as it is, and with every commented channel enabled', () => {
    const names = [...example.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]!);
    const realistic: Record<string, string> = {
      TELEGRAM_BOT_TOKEN: '123456789:AAEexampleexampleexample',
      DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/123456789012345678/example-token',
      WEBHOOK_SECRET: 'an-example-secret-of-32-characters',
    };
    const env = Object.fromEntries(names.map((n) => [n, realistic[n] ?? `value-of-${n}`]));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-example-'));
    for (const [name, text] of [['plain.yaml', example], ['all.yaml', uncommented()]] as const) {
      fs.writeFileSync(path.join(dir, name), text);
      expect(() => loadConfig(path.join(dir, name), configSchema, env)).not.toThrow();
    }
  });

  it('has a channel for every platform', () => {
    const platforms = (parse(uncommented()) as { channels: { platform: string }[] }).channels.map((c) => c.platform);
    expect(platforms.sort()).toEqual(Object.keys(adapters).sort());
  });
});
