import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';

const KEY_BYTES = 32;
const HOW_TO = 'set HERALD_SECRET_KEY to 32 random bytes as 64 hex characters or base64 (`openssl rand -hex 32`), or HERALD_SECRET_KEY_FILE to a file holding one';

/** Where the key that encrypts stored tokens comes from, read only when a token is read or written. */
export type SecretKeySource = () => Buffer;

/**
 * The key from `HERALD_SECRET_KEY`, else from the file `HERALD_SECRET_KEY_FILE` names
 * (`name` for another variable: the new key of `herald auth --rotate-key`); looked up on each call.
 */
export function secretKeyFromEnv(env: NodeJS.ProcessEnv, name = 'HERALD_SECRET_KEY'): SecretKeySource {
  return () => {
    const inline = env[name]?.trim();
    if (inline) return parseKey(inline, name);
    const file = env[`${name}_FILE`]?.trim();
    if (!file) throw new UserError(`no secret key: stored tokens are encrypted with ${name}, which is not set`, HOW_TO);
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new UserError(`${name}_FILE ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, HOW_TO);
    }
    return parseKey(text, `the key file ${file}`);
  };
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;

/** 64 hex characters or the base64 of 32 bytes; the message never repeats the value. */
export function parseKey(text: string, where: string): Buffer {
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  if (BASE64_KEY.test(text)) return Buffer.from(text, 'base64');
  throw new UserError(`${where} is not a key of ${KEY_BYTES} bytes (64 hex characters or base64)`, HOW_TO);
}
