/** Upper bounds for numeric config keys: what the code can honour, said in the error. */
import { z } from 'zod';

/** Node's timers hold at most 2³¹−1 ms (about 24.8 days); a longer delay fires at once. */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A duration in seconds that is waited for with a timer. */
export function timerSeconds() {
  return z.number().max(MAX_TIMER_SECONDS, `at most ${MAX_TIMER_SECONDS} seconds (about 24 days): Node's timers cannot wait longer`);
}

/** A count with a ceiling far above any real use, so that arithmetic on it stays exact. */
export function count(max: number) {
  return z.number().int().max(max, `at most ${max}`);
}
