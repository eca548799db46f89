/** Placeholder keys for a channel of every platform: every channel is a dry run, adapters are created offline. */
export const PLATFORM_KEYS: Record<string, Record<string, unknown>> = {
  x: { auth: { appKey: 'bench-app-key', appSecret: 'bench-app-secret', accessToken: 'bench-token', accessSecret: 'bench-secret' } },
  telegram: { chatId: '@astanatimes_bench', auth: { botToken: '123456:bench-token' } },
  mastodon: { apiRoot: 'https://mastodon.social', auth: { accessToken: 'bench-token' } },
  bluesky: { auth: { identifier: 'astanatimes.bsky.social', password: 'bench-app-password' } },
  facebook: { pageId: '100000000000001', auth: { pageAccessToken: 'bench-token' } },
  instagram: { igUserId: '17841400000000001', auth: { accessToken: 'bench-token' } },
  threads: { userId: 'me', auth: { accessToken: 'bench-token' } },
  linkedin: { author: 'urn:li:organization:1000001', auth: { accessToken: 'bench-token' } },
  discord: { auth: { webhookUrl: 'https://discord.com/api/webhooks/1/bench-token' } },
  tiktok: { auth: { accessToken: 'bench-token' } },
  webhook: { url: 'https://example.org/herald', auth: { secret: 'bench-secret-0123456789' } },
  console: {},
};
