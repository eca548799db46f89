import { describe, expect, it } from 'vitest';
import { facebookAdapter } from '../../adapters/facebook.ts';
import { instagramAdapter } from '../../adapters/instagram.ts';
import { threadsAdapter } from '../../adapters/threads.ts';
import type { AdapterDefinition } from '../../src/platform.ts';
import { channelSchemaFor } from '../../src/config/schema.ts';

const cases: [string, AdapterDefinition, Record<string, string>, string][] = [
  ['Threads', threadsAdapter as unknown as AdapterDefinition, { userId: '26000000000000001' }, 'accessToken'],
  ['Instagram', instagramAdapter as unknown as AdapterDefinition, { igUserId: '17841400000000001' }, 'accessToken'],
  ['Facebook', facebookAdapter as unknown as AdapterDefinition, { pageId: '100000000000001' }, 'pageAccessToken'],
];

describe.each(cases)('%s auth keys', (platform, adapter, target, tokenKey) => {
  const parse = (auth: object) => channelSchemaFor(adapter).safeParse({ id: 'meta', platform: adapter.platform, ...target, auth });
  const problems = (auth: object) => parse(auth).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const which = `${platform} takes either ${tokenKey}, or clientId and clientSecret (an app whose tokens Herald keeps in the store, connected with \`herald auth CHANNEL\`)`;

  it('takes the static token as before, or the app', () => {
    expect(parse({ [tokenKey]: 'EAAtoken' }).success).toBe(true);
    expect(parse({ clientId: '990602627938098', clientSecret: 'secret' }).success).toBe(true);
    expect(adapter.oauth?.uses(parse({ clientId: '990602627938098', clientSecret: 'secret' }).data as never)).toBe(true);
    expect(adapter.oauth?.uses(parse({ [tokenKey]: 'EAAtoken' }).data as never)).toBe(false);
  });

  it('says which keys it takes when a set is mixed, incomplete or empty', () => {
    expect(problems({})).toEqual([`auth.${tokenKey}: required: ${which}`]);
    expect(problems({ [tokenKey]: 'EAAtoken', clientId: '990602627938098' })).toEqual([`auth.clientId: not with ${tokenKey}: ${which}`]);
    expect(problems({ clientSecret: 'secret' })).toEqual([`auth.clientId: required: ${which}`]);
  });
});

describe('the authorization pages herald auth opens', () => {
  const start = (adapter: AdapterDefinition, raw: Record<string, unknown>) => {
    const channel = channelSchemaFor(adapter).parse({ id: 'meta', platform: adapter.platform, auth: { clientId: '990602627938098', clientSecret: 's' }, ...raw });
    return adapter.oauth!.start(channel as never, { redirectUri: 'http://127.0.0.1:8765/callback', state: 'st4te' });
  };
  const query = (url: string) => Object.fromEntries(new URL(url).searchParams);

  it.each(cases)('%s: its own page, the app, the scopes, the redirect and the state', async (platform, adapter, target) => {
    const { url } = await start(adapter, target);
    const page = { Threads: 'https://threads.com/oauth/authorize', Instagram: 'https://www.instagram.com/oauth/authorize', Facebook: 'https://www.facebook.com/v25.0/dialog/oauth' }[platform];
    const scope = {
      Threads: 'threads_basic,threads_content_publish',
      Instagram: 'instagram_business_basic,instagram_business_content_publish',
      Facebook: 'pages_manage_posts,pages_read_engagement,pages_show_list',
    }[platform];
    expect(url.split('?')[0]).toBe(page);
    expect(query(url)).toEqual({ client_id: '990602627938098', redirect_uri: 'http://127.0.0.1:8765/callback', scope, response_type: 'code', state: 'st4te' });
  });

  it('Facebook Login for Business: the configuration the channel names', async () => {
    const { url } = await start(facebookAdapter as unknown as AdapterDefinition, { pageId: '100000000000001', configId: '1234567890123456' });
    expect(query(url).config_id).toBe('1234567890123456');
  });
});
