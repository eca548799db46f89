import { OperationalError, UserError } from '../../errors.ts';

/**
 * The store could not be reached or the connection dropped mid-query. Nothing about the data
 * is wrong: the caller may retry (a worker backs off and tries again; `once` exits 1).
 */
export class StoreUnavailableError extends OperationalError {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`the PostgreSQL store ${where} is unavailable: ${reason}`, 'check that the server runs and answers on that host and port');
  }
}

/** Socket-level failures: the server is down, restarting or out of reach. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLSTATEs of a server going away or not taking connections (class 08, shutdown, starting up, full). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const DROPPED_CONNECTION = /^Connection terminated|^timeout exceeded when trying to connect|^Client has encountered a connection error|^Connection terminated unexpectedly/;

/** True for an error the worker should treat as "store unavailable, retry": see StoreUnavailableError. */
export function isStoreUnavailable(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  return DROPPED_CONNECTION.test(err.message);
}

/** What went wrong opening the store, in one line naming host and database (never the password). */
export function openingError(err: unknown, where: string, user: string | undefined): UserError {
  const e = err as { code?: string; message?: string };
  const who = user ? `user ${user}` : 'the connecting user';
  switch (e.code) {
    case '28P01':
      return new UserError(`the PostgreSQL store ${where} refused ${who}: wrong password`, 'check the password in the `store` URL');
    case '28000':
      return new UserError(`the PostgreSQL store ${where} refused ${who}: not allowed to connect`, "check the user name and the server's pg_hba.conf");
    case '3D000':
      return new UserError(`the PostgreSQL store ${where}: no such database`, 'create it (createdb) or fix the database name in the `store` URL');
    case '42501':
      return new UserError(
        `the PostgreSQL store ${where}: ${who} lacks the rights Herald needs (${e.message ?? 'permission denied'})`,
        'grant it CREATE on the schema (or make it the database owner)',
      );
  }
  if (isStoreUnavailable(err)) return new StoreUnavailableError(where, describeNetworkFailure(e));
  return new UserError(`the PostgreSQL store ${where} could not be opened: ${e.message ?? String(err)}`);
}

function describeNetworkFailure(e: { code?: string; message?: string }): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is PostgreSQL running there?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case '57P03':
      return 'the server is starting up';
    case '53300':
      return 'too many connections';
  }
  return e.message ?? 'the connection failed';
}

/** An error from a query on an open store: a dropped connection becomes StoreUnavailableError. */
export function queryError(err: unknown, where: string): unknown {
  return isStoreUnavailable(err) && !(err instanceof StoreUnavailableError) ? new StoreUnavailableError(where, describeNetworkFailure(err as Error & { code?: string })) : err;
}
