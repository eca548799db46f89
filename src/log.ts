import { pino, type Logger, type Level } from 'pino';
import type { Redactor } from './redact.ts';

/**
 * The one logger: JSON lines on stderr, every line passed through the redactor so no
 * secret reaches a log whatever a library put in an error.
 */
export function createLogger(redact: Redactor, level: Level | 'silent' = 'info'): Logger {
  const destination = {
    write(line: string) {
      process.stderr.write(redact(line));
    },
  };
  return pino({ level, base: undefined }, destination);
}
