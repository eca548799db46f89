import { isPostgresUrl } from '../../config/store-url.ts';
import { UserError } from '../../errors.ts';

export interface PostgresLocation {
  host: string;
  port: number;
  database: string;
  /** Default: pg's ($PGUSER, else the OS user). */
  user?: string;
  password?: string;
  /** Connections in the pool. */
  poolSize: number;
  ssl: false | { rejectUnauthorized: boolean };
  /** host:port/database, for messages (never the password). */
  where: string;
}

const SCHEMES = new Set(['postgres:', 'postgresql:']);
const DEFAULT_POOL_SIZE = 10;
/** libpq's sslmode values Herald honours: no TLS, TLS without checking the certificate, TLS with it checked. */
const SSL_MODES: Record<string, PostgresLocation['ssl']> = {
  disable: false,
  require: { rejectUnauthorized: false },
  'verify-ca': { rejectUnauthorized: true },
  'verify-full': { rejectUnauthorized: true },
};

/** The store URL's password, which the redactor must learn (it is a secret like `auth`). */
export function postgresPassword(location: string): string | undefined {
  if (!isPostgresUrl(location)) return undefined;
  try {
    const password = new URL(location).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/** `postgres://user:password@host:port/database?pool=10&sslmode=require`. */
export function parsePostgresUrl(location: string): PostgresLocation {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new UserError('the store URL is not a valid URL', 'write it as postgres://USER:PASSWORD@HOST:5432/DATABASE');
  }
  if (!SCHEMES.has(url.protocol.toLowerCase())) {
    throw new UserError(`the store URL scheme ${url.protocol} is not supported`, 'use postgres:// or postgresql://, or a SQLite file path');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = url.port ? Number(url.port) : 5432;
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new UserError(`the store URL names no database (${host}:${port})`, 'add it after the host: postgres://HOST:5432/DATABASE');
  const where = `${host}:${port}/${database}`;
  let poolSize = DEFAULT_POOL_SIZE;
  let ssl: PostgresLocation['ssl'] = false;
  for (const [key, value] of url.searchParams) {
    if (key === 'pool') {
      poolSize = Number(value);
      if (!Number.isInteger(poolSize) || poolSize < 1) throw new UserError(`the store URL for ${where}: pool=${value} is not a whole number of connections`, 'use e.g. ?pool=10');
    } else if (key === 'sslmode') {
      const mode = SSL_MODES[value];
      if (mode === undefined) throw new UserError(`the store URL for ${where}: sslmode=${value} is not supported`, `use one of: ${Object.keys(SSL_MODES).join(', ')}`);
      ssl = mode;
    } else {
      throw new UserError(`the store URL for ${where}: unknown parameter "${key}"`, 'the parameters Herald knows are pool and sslmode');
    }
  }
  return {
    host,
    port,
    database,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    poolSize,
    ssl,
    where,
  };
}
