/**
 * The one place a failure becomes what the user reads: `herald: <what failed, where> —
 * <what to do>` on one line, and the exit code. A stack trace only with --debug, or for a
 * failure Herald did not foresee, which is a bug and says so.
 */
import { ConfigError, formatProblem, OperationalError, UserError } from '../errors.ts';
import { redactKnownSecrets } from '../redact.ts';
import { VERSION } from '../version.ts';

export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

export interface Report {
  /** Lines for stdout (`validate`'s `path: message` contract). */
  stdout: string[];
  stderr: string[];
  code: number;
}

export function reportFor(err: unknown, { debug = false, validating = false } = {}): Report {
  const report = describe(err, validating);
  if (debug && err instanceof Error && err.stack && !report.stderr.some((l) => l.includes(err.stack!))) {
    report.stderr.push(err.stack);
  }
  return {
    stdout: report.stdout.map(redactKnownSecrets),
    stderr: report.stderr.map(redactKnownSecrets),
    code: report.code,
  };
}

function describe(err: unknown, validating: boolean): Report {
  if (err instanceof ConfigError) {
    const lines = err.problems.map(formatProblem);
    const summary = `herald: ${err.file}: ${err.problems.length} problem(s) — ${err.hint}`;
    return validating ? { stdout: lines, stderr: [summary], code: EXIT_USAGE } : { stdout: [], stderr: [...lines, summary], code: EXIT_USAGE };
  }
  if (err instanceof UserError) {
    const code = err instanceof OperationalError ? EXIT_RUNTIME : EXIT_USAGE;
    return { stdout: [], stderr: [line(oneLine(err.message), err.hint)], code };
  }
  const system = systemFailure(err);
  if (system) return { stdout: [], stderr: [system], code: EXIT_RUNTIME };
  const store = storeFailure(err);
  if (store) return { stdout: [], stderr: [store], code: EXIT_RUNTIME };
  const trace = err instanceof Error ? (err.stack ?? String(err)) : String(err);
  return {
    stdout: [],
    stderr: [
      trace,
      line(
        `unexpected failure: ${err instanceof Error ? oneLine(err.message) : String(err)}`,
        `this is a bug in Herald ${VERSION}; please report it to Herald's maintainers with the command you ran and the trace above`,
      ),
    ],
    code: EXIT_RUNTIME,
  };
}

function line(what: string, todo: string | undefined): string {
  return `herald: ${what}${todo ? ` — ${todo}` : ''}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ');
}

const ERRNO_ADVICE: Record<string, [string, string]> = {
  ENOENT: ['does not exist', 'check the path'],
  EACCES: ['permission denied', "let Herald's user read (or write) it, or point Herald elsewhere"],
  EPERM: ['operation not permitted', "let Herald's user read (or write) it, or point Herald elsewhere"],
  EISDIR: ['is a directory, not a file', 'give the path of a file'],
  ENOTDIR: ['a part of the path is not a directory', 'check the path'],
  EEXIST: ['a file is in the way', 'move it, or choose another path'],
  EROFS: ['the file system is read-only', 'point Herald at a writable place'],
  ENOSPC: ['no space left on the device', 'free some space, then run the command again'],
  EMFILE: ['too many open files', 'raise the limit (`ulimit -n`) or run fewer feeds at once'],
  ECONNREFUSED: ['connection refused', 'check that the server is running and the address in the config'],
  ENOTFOUND: ['host not found', 'check the host name in the config and the DNS'],
  ETIMEDOUT: ['timed out', 'check the network, then run the command again'],
  ECONNRESET: ['the connection was reset', 'run the command again; check the network if it persists'],
};

/** Node's file and network errors (`code` and `syscall`), named with their path or address. */
function systemFailure(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  if (!(err instanceof Error) || typeof e.code !== 'string' || typeof e.syscall !== 'string') return undefined;
  // Herald makes a missing folder's parents first: this mkdir was refused by the file system (as under /proc).
  const refused = e.syscall === 'mkdir' && e.code === 'ENOENT';
  const [what, todo] = refused
    ? ['the file system does not allow a folder here', 'choose another path']
    : (ERRNO_ADVICE[e.code] ?? [e.code, 'check the path or address, then run the command again']);
  const where = e.path ?? e.hostname ?? (e.address ? `${e.address}${e.port ? `:${e.port}` : ''}` : undefined);
  return line(`cannot ${e.syscall}${where ? ` ${where}` : ''}: ${what} (${e.code})`, todo);
}

const STORE_ADVICE: Record<string, [string, string]> = {
  SQLITE_CORRUPT: ['the store is damaged', 'restore it from a backup, or `herald store copy --to NEW` to save what is readable'],
  SQLITE_NOTADB: ['the store file is not a Herald store (or is damaged)', 'check the `store` path in the config; restore a backup if it was damaged'],
  SQLITE_READONLY: ['the store cannot be written (read-only)', "let Herald's user write the store file and its folder"],
  SQLITE_CANTOPEN: ['the store cannot be opened', "check the `store` path in the config and that Herald's user may write its folder"],
  SQLITE_FULL: ['the store cannot grow: the disk is full', 'free some space, then run the command again'],
  SQLITE_BUSY: ['the store is locked by another process', 'wait for it to finish, or stop the other Herald'],
  SQLITE_IOERR: ['the store could not be read or written (I/O error)', 'check the disk; restore a backup if the error persists'],
};

/** better-sqlite3's SqliteError, by the family of its `code` (SQLITE_IOERR_WRITE → SQLITE_IOERR). */
function storeFailure(err: unknown): string | undefined {
  if (!(err instanceof Error) || err.name !== 'SqliteError') return undefined;
  const code = String((err as { code?: unknown }).code ?? '');
  const family = Object.keys(STORE_ADVICE).find((k) => code === k || code.startsWith(`${k}_`));
  const [what, todo] = family ? STORE_ADVICE[family]! : ['the store failed', 'check the `store` path in the config'];
  return line(`${what}: ${oneLine(err.message)} (${code})`, todo);
}
