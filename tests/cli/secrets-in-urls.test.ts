import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { herald, workspace } from '../helpers/herald-cli.ts';
import { startFake, type HttpFake } from '../helpers/http-fake.ts';

const PASSWORD = 'canary-pw-8Rt2';
const TOKEN = 'canary-token-Qx71';

describe('secrets in URLs', () => {
  let site: HttpFake;
  beforeAll(async () => {
    site = await startFake();
    site.route('GET', '/feed', () => ({ status: 503, body: `down, your token was ${TOKEN}` }));
  });
  afterAll(() => site.close());

  it('a feed URL with user:password@ and ?token=${VAR} is shown redacted when it fails', async () => {
    const url = `${site.url.replace('http://', `http://reader:${PASSWORD}@`)}/feed?token=\${FEED_TOKEN}`;
    const ws = workspace(`feeds:\n  - id: private\n    url: "${url}"\nchannels:\n  - id: console\n    platform: console\n`);
    const r = await herald(['preview', '--config', ws.config], { env: { FEED_TOKEN: TOKEN } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`feed private: FAILED — feed private: HTTP 503 from ${site.url}/feed?token=[redacted]: the server failed; Herald will retry at the next poll\n`);
    expect(site.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`reader:${PASSWORD}`).toString('base64')}`);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });
});
