/**
 * Parsers for flag values, run by commander before a command starts: a bad value stops the
 * command with a usage error naming the flag, the value and what it takes.
 */
import { UserError } from '../errors.ts';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function logLevel(value: string, where = '--log-level'): LogLevel {
  const level = LOG_LEVELS.find((l) => l === value.toLowerCase());
  if (!level) throw new UserError(`${where} ${JSON.stringify(value)} is not a log level`, `use one of: ${LOG_LEVELS.join(', ')}`);
  return level;
}

/** A parser for a flag that takes a whole number of at least `min`. */
export function wholeNumber(flag: string, min: number, example: number): (value: string) => number {
  return (value) => {
    const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min) {
      throw new UserError(`${flag} ${JSON.stringify(value)} is not a whole number of ${min} or more`, `give one, e.g. ${flag} ${example}`);
    }
    return n;
  };
}
