import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.ts';
import { isStoreUnavailable, openingError, StoreUnavailableError } from '../../../src/store/postgres/errors.ts';
import { isPostgresUrl } from '../../../src/config/store-url.ts';
import { parsePostgresUrl, postgresPassword } from '../../../src/store/postgres/url.ts';

describe('the PostgreSQL store URL', () => {
  it('takes postgres:// and postgresql://, with pool size and sslmode as parameters', () => {
    expect(parsePostgresUrl('postgres://herald:s3cret@db.internal:6543/herald')).toEqual({
      host: 'db.internal',
      port: 6543,
      database: 'herald',
      user: 'herald',
      password: 's3cret',
      poolSize: 10,
      ssl: false,
      where: 'db.internal:6543/herald',
    });
    expect(parsePostgresUrl('postgresql://u@db/news?pool=3&sslmode=require')).toMatchObject({ port: 5432, poolSize: 3, ssl: { rejectUnauthorized: false } });
    expect(parsePostgresUrl('postgres://u@db/news?sslmode=verify-full').ssl).toEqual({ rejectUnauthorized: true });
    expect(isPostgresUrl('POSTGRESQL://db/x')).toBe(true);
    expect(isPostgresUrl('./data/herald.db')).toBe(false);
  });

  it('gives the redactor the password, decoded, and never puts it in `where`', () => {
    const url = 'postgres://herald:p%40ss%2Fw0rd@db:5432/herald';
    expect(postgresPassword(url)).toBe('p@ss/w0rd');
    expect(parsePostgresUrl(url).where).toBe('db:5432/herald');
    expect(postgresPassword('postgres://herald@db/herald')).toBeUndefined();
    expect(postgresPassword('./data/herald.db')).toBeUndefined();
  });

  it.each([
    ['mysql://u:p@db/x', /scheme mysql: is not supported/],
    ['postgres://u:p@db:5432/', /names no database \(db:5432\)/],
    ['postgres://u:p@db/x?pool=zero', /db:5432\/x: pool=zero is not a whole number/],
    ['postgres://u:p@db/x?sslmode=prefer', /sslmode=prefer is not supported/],
    ['postgres://u:p@db/x?timeout=5', /unknown parameter "timeout"/],
  ])('refuses %s with a clear message', (url, message) => {
    expect(() => parsePostgresUrl(url)).toThrow(message);
    try {
      parsePostgresUrl(url);
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).not.toContain(':p@');
    }
  });

  it('words each opening failure in one line naming host and database', () => {
    const where = 'db:5432/herald';
    expect(openingError(Object.assign(new Error('password authentication failed for user "herald"'), { code: '28P01' }), where, 'herald').message).toBe(
      'the PostgreSQL store db:5432/herald refused user herald: wrong password',
    );
    expect(openingError(Object.assign(new Error('x'), { code: '3D000' }), where, 'herald').message).toBe('the PostgreSQL store db:5432/herald: no such database');
    const refused = openingError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), where, 'herald');
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect(refused.message).toBe('the PostgreSQL store db:5432/herald is unavailable: connection refused (is PostgreSQL running there?)');
  });

  it('tells "store unavailable, retry" apart from everything else', () => {
    expect(isStoreUnavailable(new StoreUnavailableError('db:5432/x', 'gone'))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isStoreUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isStoreUnavailable(Object.assign(new Error('permission denied'), { code: '42501' }))).toBe(false);
    expect(isStoreUnavailable('ECONNRESET')).toBe(false);
  });
});
