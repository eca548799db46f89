import { loadConfig, resolveConfigPath } from '../config/load.ts';
import { configSchema } from './config-schema.ts';
import type { GlobalOptions } from './context.ts';
import { filterWarnings } from './filter-warnings.ts';

/**
 * `herald validate`: every problem as `path: message` on stdout, exit 2; or a one-line summary,
 * after a warning for each filter that lets none of its feeds' current items through (feeds
 * on the network are fetched for that only with `--online`: validate checks offline).
 */
export async function validateCommand(opts: GlobalOptions & { online?: boolean }): Promise<number> {
  const file = resolveConfigPath(opts.config, process.env);
  const loaded = loadConfig(file, configSchema);
  for (const warning of await filterWarnings(loaded, { online: opts.online === true })) process.stdout.write(`${warning}\n`);
  const { config } = loaded;
  const dry = config.channels.filter((c) => c.dryRun).length;
  process.stdout.write(
    `${file}: OK — ${config.feeds.length} feed(s), ${config.channels.length} channel(s)${dry ? ` (${dry} in dry run)` : ''}, store ${config.store}\n`,
  );
  return 0;
}
