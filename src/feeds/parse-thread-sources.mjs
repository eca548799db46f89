// The parse thread when Herald runs from its TypeScript sources (the tests, a checkout without
// dist/): tsx compiles them, as bin/herald.js has it do for the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./parse-thread.ts');
