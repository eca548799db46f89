/**
 * `npm run build` (run by `npm install`'s `prepare`): bundles the CLI and the libraries it
 * uses into dist/ with esbuild, which bin/herald.js runs while it is newer than the sources.
 * A start then reads a few files instead of resolving and compiling hundreds, one by one,
 * which is most of what `herald --version` or `herald validate` would otherwise cost.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A library our code imports on demand (with `await import()`: a platform's client, telegraf…)
 * stays in node_modules, loaded by Node on first use as from the sources: a CommonJS library
 * bundled into a chunk of its own would come back from `import()` with nothing but `default`.
 */
const onDemandLibraries: Plugin = {
  name: 'on-demand-libraries',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) =>
      args.kind === 'dynamic-import' && !args.importer.includes('/node_modules/') ? { path: args.path, external: true } : undefined,
    );
  },
};

fs.rmSync(`${root}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist',
  bundle: true,
  // Each `await import()` (a command, a platform library) stays a chunk of its own, loaded when used.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native addons load their binaries from beside their own code; pg-native is pg's optional binding.
  external: ['better-sqlite3', 'sharp', 'pg-native'],
  plugins: [onDemandLibraries],
  // The CommonJS libraries bundled in `require` Node's own modules.
  banner: { js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);" },
  logLevel: 'warning',
});
// Every chunk is in dist/ itself, where src/http/server.ts looks for `console/console.css`.
fs.cpSync(`${root}src/http/console/console.css`, `${root}dist/console/console.css`);
