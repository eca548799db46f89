#!/usr/bin/env node
// Runs the bundled CLI (dist/, built by `npm run build`, which install runs). An installed
// package holds no sources (package.json `files`); in a checkout, dist/ runs while it is newer
// than every source and the lock file (it bundles the libraries too), else the TypeScript
// sources run through tsx, so a checkout runs as it is.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const compiled = `${root}dist/main.js`;

function modified(file) {
  return statSync(file, { throwIfNoEntry: false })?.mtimeMs;
}

// A walk of its own: readdirSync's `recursive` costs ten times as much, on every start.
function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = `${dir}/${entry.name}`;
    if (entry.isDirectory()) newest = Math.max(newest, newestIn(file));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, modified(file) ?? 0);
  }
  return newest;
}

function isFresh(built) {
  if (modified(`${root}src`) === undefined) return true;
  const files = [`${root}package.json`, `${root}package-lock.json`].map((file) => modified(file) ?? 0);
  return built >= Math.max(...files, newestIn(`${root}src`), newestIn(`${root}adapters`));
}

const built = modified(compiled);
if (built !== undefined && isFresh(built)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
