/** One redaction step for every log line, error message and stored text. */

const TELEGRAM_TOKEN_IN_URL = /\/bot\d+:[A-Za-z0-9_-]+/g;
/** `scheme://user:password@host`: the whole userinfo goes, a user name alone may be a token. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
const MASK = '[redacted]';

export type Redactor = (text: string) => string;

/** Secrets shorter than this are not masked: they would match ordinary words. */
const MIN_SECRET_LENGTH = 4;

export function makeRedactor(secrets: Iterable<string>): Redactor {
  const list = [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text.replace(TELEGRAM_TOKEN_IN_URL, `/bot${MASK}`).replace(URL_USERINFO, `$1${MASK}@`);
    for (const secret of list) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(MASK);
    }
    return out;
  };
}

const learned = new Set<string>();

/**
 * Remembers secrets for the process's last line of defence: what the CLI prints when a
 * command fails, whatever the failure carried.
 */
export function learnSecrets(secrets: Iterable<string>): void {
  for (const s of secrets) learned.add(s);
}

export function redactKnownSecrets(text: string): string {
  return makeRedactor(learned)(text);
}
