import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SESSION_MS, Sessions, sameSecret } from '../../src/http/auth.ts';

const NOW = Date.UTC(2026, 11, 2, 6, 0);

describe('console sessions', () => {
  it('accepts its own cookie until it expires, then calls it expired', () => {
    const sessions = new Sessions('console-token-1');
    const { cookie, expiresAt } = sessions.issue(NOW);
    expect(expiresAt).toBe(NOW + SESSION_MS);
    expect(sessions.check(cookie, NOW + SESSION_MS - 1)).toBe('valid');
    expect(sessions.check(cookie, NOW + SESSION_MS)).toBe('expired');
    expect(sessions.check(undefined, NOW)).toBe('missing');
  });

  it('refuses cookies signed with another token or altered in any way', () => {
    const { cookie } = new Sessions('console-token-1').issue(NOW);
    expect(new Sessions('console-token-2').check(cookie, NOW)).toBe('invalid');
    const sessions = new Sessions('console-token-1');
    const [expires, nonce, signature] = cookie.split('.');
    expect(sessions.check(`${Number(expires) + SESSION_MS}.${nonce}.${signature}`, NOW)).toBe('invalid');
    expect(sessions.check(`${expires}.${nonce}`, NOW)).toBe('invalid');
    fc.assert(fc.property(fc.string(), (junk) => {
      expect(sessions.check(junk, NOW)).not.toBe('valid');
    }));
  });

  it('derives a CSRF token per session that no other session shares', () => {
    const sessions = new Sessions('console-token-1');
    const a = sessions.issue(NOW).cookie;
    const b = sessions.issue(NOW).cookie;
    expect(sessions.validCsrf(a, sessions.csrfToken(a))).toBe(true);
    expect(sessions.validCsrf(a, sessions.csrfToken(b))).toBe(false);
    expect(sessions.validCsrf(a, undefined)).toBe(false);
    expect(sessions.validCsrf(a, '')).toBe(false);
  });

  it('compares secrets exactly', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    fc.assert(fc.property(fc.string(), fc.string(), (x, y) => {
      expect(sameSecret(x, y)).toBe(x === y);
    }));
  });
});
