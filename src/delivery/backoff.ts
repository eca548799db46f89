export interface RetryPolicy {
  /** Transient failures before a delivery is parked as failed. */
  maxFailures: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxFailures: 6, baseMs: 30_000, capMs: 3_600_000 };

/**
 * Exponential backoff with full jitter, never shorter than what the platform asked for:
 * its own retry-after takes precedence over our estimate.
 */
export function retryDelay(policy: RetryPolicy, failures: number, platformAfterMs: number | undefined, random: () => number = Math.random): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.max(platformAfterMs ?? 0, Math.round(jittered));
}
