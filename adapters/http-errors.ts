/**
 * What a failed HTTP call means for a post, shared by the adapters: a request that never
 * left can be retried; one that may have reached the platform is in doubt.
 */

/** Failures before any byte of the request reached the server: the platform cannot have acted on it. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The error and the errors it wraps (`cause`), outermost first. */
function chain(err: unknown): Error[] {
  const errors: Error[] = [];
  let e = err;
  while (e instanceof Error && errors.length < 8) {
    errors.push(e);
    e = e.cause;
  }
  return errors;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** True when the request certainly never reached the server (connection refused, DNS failure…). */
export function wasNeverSent(err: unknown): boolean {
  return chain(err).some((e) => {
    const code = codeOf(e);
    return code !== undefined && NEVER_SENT.has(code);
  });
}

/** One line for a failure: its message and those of the errors it wraps. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return chain(err)
    .map((e) => e.message)
    .filter((message, i, all) => message && all.indexOf(message) === i)
    .join(': ');
}

/** Milliseconds from `now` until `epochMs`; 0 when that moment has passed. */
export function delayUntil(epochMs: number, now: number = Date.now()): number {
  return Math.max(0, epochMs - now);
}

/** Milliseconds from a Retry-After header (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The start of an error body for a reason text: redacted first, then cut, so a secret the
 * platform echoed back cannot survive in part where the cut falls.
 */
export function excerpt(text: string, redact: (text: string) => string, max = 300): string {
  return redact(text.trim()).slice(0, max);
}
