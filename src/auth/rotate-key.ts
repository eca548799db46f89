import { UserError } from '../errors.ts';
import { open, seal, WrongKeyError } from './cipher.ts';
import type { CredentialStore } from './credential-store.ts';

/**
 * Seals every stored credential again under `to`. One already sealed under `to` (a rotation
 * cut short and run again) is left as it is; one neither key opens is an error naming it.
 */
export async function rotateKey(store: CredentialStore, from: Buffer, to: Buffer, now: number): Promise<{ rotated: number; already: number }> {
  let rotated = 0;
  let already = 0;
  for (const listed of await store.credentials()) {
    for (;;) {
      const row = await store.credential(listed.channelId);
      if (!row) break;
      let plaintext: string;
      try {
        plaintext = open(from, row.data, row.channelId);
      } catch (err) {
        if (!(err instanceof WrongKeyError)) throw err;
        if (opens(to, row.data, row.channelId)) {
          already++;
          break;
        }
        throw new UserError(
          `the stored credential of channel ${row.channelId} opens with neither HERALD_SECRET_KEY nor HERALD_NEW_SECRET_KEY`,
          `set HERALD_SECRET_KEY to the key it was stored with, or run \`herald auth ${row.channelId}\``,
        );
      }
      // Written over the version read: a worker renewing the token meanwhile makes this read it again.
      if (await store.putCredential({ ...row, data: seal(to, plaintext, row.channelId), updatedAt: now }, row.version)) {
        rotated++;
        break;
      }
    }
  }
  return { rotated, already };
}

function opens(key: Buffer, sealed: string, context: string): boolean {
  try {
    open(key, sealed, context);
    return true;
  } catch {
    return false;
  }
}
