import type { AdapterDefinition } from '../src/platform.ts';
import { blueskyAdapter } from './bluesky.ts';
import { consoleAdapter } from './console.ts';
import { discordAdapter } from './discord.ts';
import { facebookAdapter } from './facebook.ts';
import { instagramAdapter } from './instagram.ts';
import { linkedinAdapter } from './linkedin.ts';
import { mastodonAdapter } from './mastodon.ts';
import { telegramAdapter } from './telegram.ts';
import { threadsAdapter } from './threads.ts';
import { tiktokAdapter } from './tiktok.ts';
import { webhookAdapter } from './webhook.ts';
import { xAdapter } from './x.ts';

/** Every platform Herald can post to, by its `platform` key. */
export const adapters: Record<string, AdapterDefinition> = Object.fromEntries(
  [
    xAdapter,
    telegramAdapter,
    mastodonAdapter,
    blueskyAdapter,
    facebookAdapter,
    instagramAdapter,
    threadsAdapter,
    linkedinAdapter,
    discordAdapter,
    tiktokAdapter,
    webhookAdapter,
    consoleAdapter,
  ].map((a) => [a.platform, a as unknown as AdapterDefinition]),
);

/** Platforms people ask for that have no publishing API: a config naming one gets this reason. */
export const unsupportedPlatforms: Record<string, string> = {
  youtube:
    'YouTube has no public API for community or text posts (activities.insert, its only text-post method, was deprecated on 18 May 2020: https://developers.google.com/youtube/v3/guides/implementation/activities); remove this channel',
};
