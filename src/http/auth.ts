import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A console session lasts this long after logging in. */
export const SESSION_MS = 12 * 60 * 60 * 1000;

/** Compares in time independent of where the strings differ (both are hashed to one length first). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected)) && given.length === expected.length;
}

/**
 * Stateless sessions signed with a key derived from the token: every worker serving the same
 * config accepts the same cookie, and changing the token ends every session. A cookie is
 * `EXPIRES.NONCE.SIGNATURE`; the CSRF token of a session is derived from the cookie, so a form
 * posted from another site (which cannot read the page) never carries it.
 */
export class Sessions {
  readonly #key: Buffer;

  constructor(token: string) {
    this.#key = createHmac('sha256', token).update('herald console session').digest();
  }

  issue(now: number): { cookie: string; expiresAt: number } {
    const expiresAt = now + SESSION_MS;
    const body = `${expiresAt}.${randomBytes(16).toString('base64url')}`;
    return { cookie: `${body}.${this.#sign(body)}`, expiresAt };
  }

  /** Whether the cookie is one this key signed ('expired' once past its time at `now`). */
  check(cookie: string | undefined, now: number): 'valid' | 'expired' | 'missing' | 'invalid' {
    if (!cookie) return 'missing';
    const cut = cookie.lastIndexOf('.');
    if (cut < 0) return 'invalid';
    const body = cookie.slice(0, cut);
    if (!sameSecret(cookie.slice(cut + 1), this.#sign(body))) return 'invalid';
    const expiresAt = Number(body.split('.')[0]);
    if (!Number.isFinite(expiresAt)) return 'invalid';
    return now < expiresAt ? 'valid' : 'expired';
  }

  csrfToken(cookie: string): string {
    return this.#sign(`csrf:${cookie}`);
  }

  validCsrf(cookie: string, given: string | undefined): boolean {
    return given !== undefined && sameSecret(given, this.csrfToken(cookie));
  }

  #sign(text: string): string {
    return createHmac('sha256', this.#key).update(text).digest('base64url');
  }
}
