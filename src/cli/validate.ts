import { loadConfig, resolveConfigPath } from '../config/load.ts';
import { configSchema } from './config-schema.ts';
import type { GlobalOptions } from './context.ts';

/** `herald validate`: every problem as `path: message` on stdout, exit 2; or a one-line summary. */
export function validateCommand(opts: GlobalOptions): number {
  const file = resolveConfigPath(opts.config, process.env);
  const { config } = loadConfig(file, configSchema);
  const dry = config.channels.filter((c) => c.dryRun).length;
  process.stdout.write(
    `${file}: OK — ${config.feeds.length} feed(s), ${config.channels.length} channel(s)${dry ? ` (${dry} in dry run)` : ''}, store ${config.store}\n`,
  );
  return 0;
}
