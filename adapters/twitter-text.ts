import { createRequire } from 'node:module';
import type TwitterText from 'twitter-text';

const require = createRequire(import.meta.url);

/**
 * twitter-text, loaded on the first count rather than with the adapters: it costs about
 * 0.1 s to load, which commands that render nothing (validate, status) need not pay.
 */
let loaded: typeof TwitterText | undefined;

export function twitterText(): typeof TwitterText {
  loaded ??= require('twitter-text') as typeof TwitterText;
  return loaded;
}
