import fs from 'node:fs';
import { resolveConfigPath } from '../config/load.ts';
import { OperationalError, UserError } from '../errors.ts';
import { decodeFeedBytes } from '../feeds/decode.ts';
import { discoverFeeds, type DiscoveredFeed } from './discover-feeds.ts';
import { starterConfig } from './starter-config.ts';
import { HERALD_USER_AGENT } from '../version.ts';

export interface InitOptions {
  config?: string;
  site?: string;
}

const SITE_TIMEOUT_MS = 30_000;
const MAX_PAGE_BYTES = 5 * 1024 * 1024;

/** `herald init [--site URL]`: writes a starter config that validates as it is; never overwrites. */
export async function initCommand(opts: InitOptions): Promise<number> {
  const file = resolveConfigPath(opts.config, process.env);
  if (fs.existsSync(file)) {
    throw new UserError(`${file} exists already; herald init does not overwrite it`, 'edit it, or pass --config NEW-FILE to write another');
  }
  const feeds = opts.site ? await feedsOf(siteUrl(opts.site)) : [];
  try {
    fs.writeFileSync(file, starterConfig(feeds, opts.site), { flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OperationalError(`cannot write ${file} (${code ?? String(err)})`, 'choose a folder Herald may write, with --config FILE');
  }
  const found = opts.site ? `${feeds.length} feed(s) found on ${opts.site}` : 'a placeholder feed';
  process.stdout.write(`${file}: written with ${found} and a console channel — next: \`herald validate\`, then \`herald preview\`\n`);
  return 0;
}

function siteUrl(site: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(site) ? site : `https://${site}`;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new UserError(`--site ${JSON.stringify(site)} is not a web address`, 'give the site as https://example.org');
  }
  return url;
}

async function feedsOf(url: string): Promise<DiscoveredFeed[]> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { 'user-agent': HERALD_USER_AGENT, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5' },
      signal: AbortSignal.timeout(SITE_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
    throw new OperationalError(`cannot read ${url} (${cause})`, 'check the address, or run `herald init` without --site and fill in the feed yourself');
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new OperationalError(`HTTP ${response.status} from ${url}`, 'check the address, or run `herald init` without --site and fill in the feed yourself');
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_PAGE_BYTES) throw new OperationalError(`${url} is larger than ${MAX_PAGE_BYTES} bytes: not a home page`, 'give the address of the home page');
  return discoverFeeds(decodeFeedBytes(bytes, response.headers.get('content-type') ?? undefined), response.url || url);
}
