import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The test server: PostgreSQL 15 on loopback with trust auth (see .ci/run). */
export const PG_ADMIN_URL = process.env.HERALD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A database of its own for one test (random name; a copy of `template` if given), dropped after it. */
export async function createTestDatabase(options: { owner?: string; template?: string } = {}): Promise<TestDatabase> {
  const name = `herald_test_${randomBytes(6).toString('hex')}`;
  const owner = options.owner ? ` OWNER ${options.owner}` : '';
  const template = options.template ? ` TEMPLATE ${options.template}` : '';
  await admin((c) => c.query(`CREATE DATABASE ${name}${owner}${template}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

/** Runs SQL as the admin (e.g. to create a role for a test). */
export function adminQuery(sql: string): Promise<pg.QueryResult> {
  return admin((c) => c.query(sql));
}
