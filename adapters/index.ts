import type { AdapterDefinition } from '../src/platform.ts';
import { consoleAdapter } from './console.ts';

/** Every platform Herald can post to, by its `platform` key. */
export const adapters: Record<string, AdapterDefinition> = {
  console: consoleAdapter,
};

/** Platforms people ask for that have no publishing API: a config naming one gets this reason. */
export const unsupportedPlatforms: Record<string, string> = {};
