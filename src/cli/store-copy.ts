import path from 'node:path';
import { loadConfig, resolveConfigPath } from '../config/load.ts';
import { isPostgresUrl } from '../config/store-url.ts';
import { copyStore } from '../store/copy-store.ts';
import { openStore } from '../store/open.ts';
import { configSchema, type GlobalOptions } from './context.ts';

/** `herald store copy --to URL [--force]`: the configured store, copied into another one. */
export async function storeCopyCommand(opts: GlobalOptions & { to: string; force?: boolean }): Promise<number> {
  const { config } = loadConfig(resolveConfigPath(opts.config, process.env), configSchema);
  const to = isPostgresUrl(opts.to) ? opts.to : path.resolve(opts.to);
  const source = await openStore(config.store);
  try {
    const target = await openStore(to);
    try {
      const counts = await copyStore(source, target, { force: opts.force === true, now: Date.now() });
      process.stdout.write(`copied the store ${source.where} into ${target.where}\n`);
      const width = Math.max(...counts.map((c) => c.table.length));
      for (const { table, rows } of counts) process.stdout.write(`  ${`${table}:`.padEnd(width + 1)} ${rows}\n`);
      process.stdout.write(`point \`store\` in the config at it to use it\n`);
      return 0;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
