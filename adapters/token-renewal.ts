import { RenewalRefusedError } from '../src/auth/oauth-tokens.ts';
import { describeError } from './http-errors.ts';

/** A renewal that failed on the way (network, 5xx): retried later. */
export class TokenSourceError extends Error {}

/** Runs a token lookup that may renew; a failure other than the platform's refusal becomes a TokenSourceError. */
export async function renewing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof RenewalRefusedError) throw err;
    throw new TokenSourceError(describeError(err));
  }
}
