#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which install runs) when it is newer
// than every source; else the TypeScript sources through tsx, so a checkout runs as it is.
import { readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const compiled = new URL('dist/src/cli/main.js', root);

function modified(url) {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestSource() {
  let newest = modified(new URL('package.json', root)) ?? 0;
  for (const dir of ['src/', 'adapters/']) {
    for (const file of readdirSync(new URL(dir, root), { recursive: true })) {
      if (file.endsWith('.ts')) newest = Math.max(newest, modified(new URL(dir + file, root)) ?? 0);
    }
  }
  return newest;
}

const built = modified(compiled);
if (built !== undefined && built >= newestSource()) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
