import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const PLATFORM_CLIENTS = ['twitter-api-v2', 'telegraf', 'masto', '@atproto/api', 'twitter-text', 'sharp'];

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

describe('architecture', () => {
  it('the core (src/) never imports a platform client library', () => {
    const offenders = sources('src').flatMap((f) =>
      imports(f).filter((i) => PLATFORM_CLIENTS.some((c) => i === c || i.startsWith(`${c}/`))).map((i) => `${f} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('only the CLI (the composition root) imports adapters', () => {
    const offenders = sources('src')
      .filter((f) => !f.startsWith(path.join('src', 'cli')))
      .flatMap((f) => imports(f).filter((i) => i.includes('adapters/')).map((i) => `${f} imports ${i}`));
    expect(offenders).toEqual([]);
  });

  it('every adapter file is registered in adapters/index.ts under its platform key', async () => {
    const { adapters } = await import('../adapters/index.ts');
    for (const [key, def] of Object.entries(adapters)) expect(def.platform).toBe(key);
    const files = fs.readdirSync(path.join(root, 'adapters')).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
    const registered = Object.keys(adapters);
    const adapterFiles = files.filter((f) => fs.readFileSync(path.join(root, 'adapters', f), 'utf8').includes('defineAdapter('));
    expect(adapterFiles.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(registered.sort());
  });
});
