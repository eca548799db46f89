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

/**
 * zod's namespace carries every locale's messages (`z.locales`, 60-odd modules), which Herald
 * never uses: its own messages are English and written where it validates. zod's English is
 * imported on its own, so the bundle leaves the rest out, the larger part of what zod costs a start.
 */
const withoutZodLocales: Plugin = {
  name: 'without-zod-locales',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/') ? { path: 'zod-locales', namespace: 'empty' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

fs.rmSync(`${root}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // The parse thread is started from its own file (src/feeds/parse-pool.ts looks for it beside the chunks).
  entryPoints: { main: 'src/cli/main.ts', 'parse-thread': 'src/feeds/parse-thread.ts' },
  outdir: 'dist',
  bundle: true,
  // Each `await import()` (a command, a platform library) stays a chunk of its own, loaded when used.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native addons load their binaries from beside their own code; pg-native is pg's optional binding.
  external: ['better-sqlite3', 'sharp', 'pg-native'],
  plugins: [onDemandLibraries, withoutZodLocales],
  // The CommonJS libraries bundled in `require` Node's own modules.
  banner: { js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);" },
  logLevel: 'warning',
});
// Every chunk is in dist/ itself, where src/http/server.ts looks for `console/console.css`.
fs.cpSync(`${root}src/http/console/console.css`, `${root}dist/console/console.css`);
