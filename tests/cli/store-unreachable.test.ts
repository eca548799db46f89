import { describe, expect, it } from 'vitest';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { REFUSED_PORT } from '../helpers/http-fake.ts';

describe('a PostgreSQL store that cannot be reached', () => {
  it('`once` and `status` exit 1 with one line naming host and database, never the password', async () => {
    const port = REFUSED_PORT;
    const ws = workspace(`
store: "postgres://herald:\${PGPASSWORD}@127.0.0.1:${port}/news"
feeds:
  - id: astanatimes
    url: https://astanatimes.com/feed/
channels:
  - id: console
    platform: console
`);
    for (const command of ['once', 'status']) {
      const r = await herald([command, '--config', ws.config], { env: { PGPASSWORD: 'hunter2-store-secret' } });
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe(`herald: the PostgreSQL store 127.0.0.1:${port}/news is unavailable: connection refused (is PostgreSQL running there?) — check that the server runs and answers on that host and port`);
      expect(r.stdout + r.stderr).not.toContain('hunter2-store-secret');
    }
  });
});
