import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

/** The stored text could not be opened: a different key sealed it, or it was altered. */
export class WrongKeyError extends Error {}

/**
 * AES-256-GCM with a fresh IV: `v1:` then base64 of IV, tag and ciphertext. `context` (the
 * channel id) is authenticated too, so a sealed credential opens only for its own channel.
 */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${FORMAT}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

export function open(key: Buffer, sealed: string, context: string): string {
  const [format, payload] = sealed.split(':', 2);
  const bytes = Buffer.from(payload ?? '', 'base64');
  if (format !== FORMAT || bytes.length < IV_BYTES + TAG_BYTES) throw new WrongKeyError('not a sealed credential');
  const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new WrongKeyError('the key does not open it');
  }
}
