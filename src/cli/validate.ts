import { loadConfig, resolveConfigPath } from '../config/load.ts';
import { configSchema } from './config-schema.ts';
import type { GlobalOptions } from './context.ts';

/**
 * `herald validate`: every problem as `path: message` on stdout, exit 2; or a one-line summary,
 * after a warning for each filter that lets none of its feeds' current items through.
 */
export async function validateCommand(opts: GlobalOptions): Promise<number> {
  const file = resolveConfigPath(opts.config, process.env);
  const { config } = loadConfig(file, configSchema);
  // Only filters need the feeds fetched (and the adapters loaded): a config without one stays fast to check.
  if (config.channels.some((c) => c.filter)) {
    const { filterWarnings } = await import('./filter-warnings.ts');
    for (const warning of await filterWarnings(opts)) process.stdout.write(`${warning}\n`);
  }
  const dry = config.channels.filter((c) => c.dryRun).length;
  process.stdout.write(
    `${file}: OK — ${config.feeds.length} feed(s), ${config.channels.length} channel(s)${dry ? ` (${dry} in dry run)` : ''}, store ${config.store}\n`,
  );
  return 0;
}
