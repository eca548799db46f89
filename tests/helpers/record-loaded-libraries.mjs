// Preloaded with `node --import` by tests that check which libraries a command loads. On exit
// it writes to the file named by $HERALD_LOADED_LIBRARIES, one per line, every CommonJS module
// (the CommonJS cache also holds those imported from ES modules) and every native library the
// process loaded. Plain JavaScript so that it runs before any TypeScript loader is registered.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const out = process.env.HERALD_LOADED_LIBRARIES;

if (out) {
  process.on('exit', () => {
    const loaded = [...Object.keys(require.cache), ...process.report.getReport().sharedObjects];
    writeFileSync(out, loaded.join('\n'));
  });
}
