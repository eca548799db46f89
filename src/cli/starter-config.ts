/** The text of `herald init`'s starter config: valid as written, every other option in comments. */
import type { DiscoveredFeed } from './discover-feeds.ts';

const PLACEHOLDER: DiscoveredFeed = { url: 'https://example.org/feed/' };

export function starterConfig(feeds: DiscoveredFeed[], site?: string): string {
  const listed = feeds.length > 0 ? feeds : [PLACEHOLDER];
  const ids = feedIds(listed, site);
  const origin = feeds.length > 0 ? `# Feeds found on ${site}.` : site ? `# ${site} announces no feed (<link rel="alternate">): put your feed's address below.` : "# Put your feed's address below (RSS or Atom).";
  return `# Herald configuration, written by \`herald init\`.
# Check it with \`herald validate\`, see what would be posted with \`herald preview\`.
# \`\${NAME}\` is replaced by the environment variable NAME (a .env file beside this file
# is read too). Everything under \`auth\` is a secret: never printed, logged or stored.
# All options: config/herald.example.yaml in Herald's sources.

store: ./data/herald.db            # SQLite file, relative to this file

${origin}
feeds:
${listed.map((f, i) => feedEntry(f, ids[i]!)).join('\n')}

channels:
  # Prints each post instead of sending it: see what Herald would do before you add a platform.
  - id: console
    platform: console

  # - id: x-main
  #   platform: x
  #   template: "{title}\\n\\n{link}\\n{hashtags}"
  #   maxPerDay: 17                      # the X free tier allows 17 posts a day
  #   auth:
  #     appKey: "\${X_APP_KEY}"
  #     appSecret: "\${X_APP_SECRET}"
  #     accessToken: "\${X_ACCESS_TOKEN}"
  #     accessSecret: "\${X_ACCESS_SECRET}"

  # - id: telegram-main
  #   platform: telegram
  #   chatId: "@yourchannel"
  #   auth: { botToken: "\${TELEGRAM_BOT_TOKEN}" }

  # - id: mastodon-main
  #   platform: mastodon
  #   apiRoot: https://mastodon.social
  #   auth: { accessToken: "\${MASTODON_TOKEN}" }
`;
}

function feedEntry(feed: DiscoveredFeed, id: string): string {
  return [
    `  - id: ${JSON.stringify(id)}${feed.title ? `                # ${feed.title.replace(/[\r\n]+/g, ' ')}` : ''}`,
    `    url: ${JSON.stringify(feed.url)}`,
    '    schedule: "*/5 * * * *"       # cron; every 5 minutes',
    '    backfill: 0                  # first poll: post only the newest N items, mark the rest seen',
  ].join('\n');
}

/** Ids from the site's name and each feed's title, unique and made of the characters ids allow. */
function feedIds(feeds: DiscoveredFeed[], site: string | undefined): string[] {
  const hostname = site && URL.canParse(site) ? new URL(site).hostname : '';
  const host = /[a-z]/i.test(hostname) && !hostname.includes(':') ? hostname.replace(/^www\./, '').split('.')[0] : undefined;
  const used = new Set<string>();
  return feeds.map((feed, i) => {
    const base = slug(i === 0 ? (host ?? 'news') : (feed.title ?? `${host ?? 'feed'}-${i + 1}`)) || `feed-${i + 1}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  });
}

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}
