import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRedactor } from '../src/redact.ts';

describe('redaction', () => {
  it('masks every secret, URL-encoded ones and Telegram bot tokens in URLs', () => {
    const redact = makeRedactor(['s3cr3t-token', 'p@ss word']);
    expect(redact('auth s3cr3t-token failed for p%40ss%20word at https://api.telegram.org/bot123:ABC-def/sendMessage')).toBe(
      'auth [redacted] failed for [redacted] at https://api.telegram.org/bot[redacted]/sendMessage',
    );
  });

  it('leaves no secret in any text that embeds it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4 }), fc.string(), fc.string(), (secret, before, after) => {
        const out = makeRedactor([secret])(`${before}${secret}${after}`);
        expect(out.includes(secret)).toBe(false);
      }),
    );
  });
});
