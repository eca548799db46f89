import { describe, expect, it } from 'vitest';
import { herald, workspace } from '../helpers/herald-cli.ts';

const CANARY = 'canary-Mv27pQ';

describe('herald validate: the rules of issue 14 point 8', () => {
  it('takes YAML merge keys, from an `x-` key of the operator\'s own or from another entry', async () => {
    const ws = workspace(`
defaults: &channel
  platform: console
  hashtags: { max: 1 }
  minIntervalSeconds: 60
feeds:
  - id: news
    url: ./feed.xml
channels:
  - <<: *channel
    id: console-a
  - <<: *channel
    id: console-b
    minIntervalSeconds: 120
`.replace('defaults: &channel', 'x-defaults: &channel'));
    const shared = await herald(['validate', '--config', ws.config]);
    expect(shared.stdout).toMatch(/: OK — 1 feed\(s\), 2 channel\(s\)/);
    expect(shared.code).toBe(0);

    const inFeeds = workspace(`
feeds:
  - &feed
    id: news
    url: ./feed.xml
    timeoutSeconds: 10
  - <<: *feed
    id: sport
    url: ./sport.xml
channels:
  - &channel
    id: console-a
    platform: console
    minIntervalSeconds: 60
  - <<: *channel
    id: console-b
`);
    const ok = await herald(['validate', '--config', inFeeds.config]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/: OK — 2 feed\(s\), 2 channel\(s\)/);
    expect(ok.code).toBe(0);
  });

  it('bounds numbers by what timers can wait, says "required" for a missing platform, refuses credentials in apiRoot — in file order', async () => {
    const ws = workspace(`
feeds:
  - id: news
    url: ./feed.xml
    timeoutSeconds: 3000000
channels:
  - id: nameless
    template: "{title}"
  - id: masto
    platform: mastodon
    apiRoot: "https://herald:\${PASSWORD}@mastodon.example"
    auth: { accessToken: token-1234 }
`);
    const r = await herald(['validate', '--config', ws.config], { env: { PASSWORD: CANARY } });
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n')).toEqual([
      "feeds.0.timeoutSeconds: at most 2147483 seconds (about 24 days): Node's timers cannot wait longer — feeds[news].timeoutSeconds at line 5, column 5",
      expect.stringMatching(/^channels\.0\.platform: required: platform missing \(one of: x, telegram, .*\) — channels\[nameless\]\.platform at line 7, column 5$/),
      'channels.1.apiRoot: must not hold credentials (user:password@): put them under auth — channels[masto].apiRoot at line 11, column 5',
    ]);
    expect(r.stdout + r.stderr).not.toContain(CANARY);
  });
});
