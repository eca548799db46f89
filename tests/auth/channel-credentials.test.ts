import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialVault } from '../../src/auth/channel-credentials.ts';
import { secretKeyFromEnv } from '../../src/auth/secret-key.ts';
import { UserError } from '../../src/errors.ts';
import { openPostgresStore } from '../../src/store/postgres/store.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { createTestDatabase } from '../helpers/postgres.ts';

const KEY = randomBytes(32).toString('hex');
const ACCESS = `canary-access-${randomBytes(8).toString('hex')}`;
const REFRESH = `canary-refresh-${randomBytes(8).toString('hex')}`;
const tokens = { accessToken: ACCESS, refreshToken: REFRESH };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-creds-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function vault(env: NodeJS.ProcessEnv) {
  return new CredentialVault(secretKeyFromEnv(env));
}

async function failure(run: () => Promise<unknown>): Promise<UserError> {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe('sealed credentials', () => {
  it('SQLite: the file and its WAL hold no token in clear; the same key reads them back', async () => {
    const file = path.join(tempDir(), 'herald.db');
    const store = SqliteStore.open(file);
    const v = vault({ HERALD_SECRET_KEY: KEY });
    v.store = store;
    await v.channel('x-main').write({ kind: 'oauth2', tokens, account: '@outlet', expiresAt: 123 }, 0);

    const bytes = Buffer.concat([fs.readFileSync(file), fs.readFileSync(`${file}-wal`)]);
    expect(bytes.includes('@outlet')).toBe(true);
    for (const secret of [ACCESS, REFRESH, KEY, Buffer.from(KEY, 'hex').toString('base64')]) expect(bytes.includes(secret)).toBe(false);
    expect(await v.channel('x-main').read()).toEqual({ kind: 'oauth2', tokens, account: '@outlet', expiresAt: 123, version: 1 });
    await store.close();
  });

  it('PostgreSQL: a pg_dump of the store holds no token in clear', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const store = await openPostgresStore(db.url);
    cleanups.push(() => store.close());
    const v = vault({ HERALD_SECRET_KEY: Buffer.from(KEY, 'hex').toString('base64') });
    v.store = store;
    await v.channel('x-main').write({ kind: 'oauth2', tokens, account: '@outlet' }, 0);

    const dump = execFileSync('pg_dump', ['--data-only', db.url], { encoding: 'utf8' });
    expect(dump).toContain('@outlet');
    for (const secret of [ACCESS, REFRESH, KEY]) expect(dump).not.toContain(secret);
    expect((await v.channel('x-main').read())?.tokens).toEqual(tokens);
  });

  it('the key may come from a file', async () => {
    const keyFile = path.join(tempDir(), 'herald.key');
    fs.writeFileSync(keyFile, `${KEY}\n`);
    const v = vault({ HERALD_SECRET_KEY_FILE: keyFile });
    v.store = SqliteStore.open(':memory:');
    await v.channel('x-main').write({ kind: 'oauth2', tokens }, 0);
    const inline = vault({ HERALD_SECRET_KEY: KEY });
    inline.store = v.store;
    expect((await inline.channel('x-main').read())?.tokens).toEqual(tokens);
  });

  it('a missing, malformed or wrong key is a clear error that names no secret', async () => {
    const store = SqliteStore.open(':memory:');
    const good = vault({ HERALD_SECRET_KEY: KEY });
    good.store = store;
    await good.channel('x-main').write({ kind: 'oauth2', tokens }, 0);

    const missing = vault({});
    missing.store = store;
    const noKey = await failure(() => missing.channel('x-main').read());
    expect(noKey.message).toBe('no secret key: stored tokens are encrypted with HERALD_SECRET_KEY, which is not set');
    expect(noKey.hint).toContain('openssl rand -hex 32');

    const malformed = vault({ HERALD_SECRET_KEY: 'not-a-key-at-all' });
    malformed.store = store;
    expect((await failure(() => malformed.channel('x-main').checkKey())).message).toBe(
      'HERALD_SECRET_KEY is not a key of 32 bytes (64 hex characters or base64)',
    );

    const other = vault({ HERALD_SECRET_KEY: randomBytes(32).toString('hex') });
    other.store = store;
    const wrong = await failure(() => other.channel('x-main').checkKey());
    expect(wrong.message).toBe('the stored credential of channel x-main cannot be opened with this HERALD_SECRET_KEY (another key sealed it)');
    expect(wrong.hint).toContain('herald auth x-main');
    for (const e of [noKey, wrong]) expect(`${e.message}${e.hint}`).not.toContain(KEY);
  });

  it("a credential sealed for one channel does not open as another's", async () => {
    const store = SqliteStore.open(':memory:');
    const v = vault({ HERALD_SECRET_KEY: KEY });
    v.store = store;
    await v.channel('x-main').write({ kind: 'oauth2', tokens }, 0);
    const sealed = (await store.credential('x-main'))!;
    await store.putCredential({ ...sealed, channelId: 'x-other' }, 0);
    await failure(() => v.channel('x-other').read());
  });
});
