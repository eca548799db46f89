import type { AdapterDefinition } from '../src/platform.ts';
import { consoleAdapter } from './console.ts';

/** Every platform Herald can post to, by its `platform` key. */
export const adapters: Record<string, AdapterDefinition> = {
  console: consoleAdapter,
};
