import { UserError } from '../errors.ts';
import { COPIED_TABLES, type CopiedTable, type Store } from './store.ts';

const PAGE_ROWS = 1000;

export interface CopiedCount {
  table: CopiedTable;
  rows: number;
}

/**
 * `herald store copy`: every copied table, row for row, into an empty store (`force` empties it
 * first). Refuses while a live worker holds the source, whose rows would move under the copy.
 */
export async function copyStore(from: Store, to: Store, opts: { force: boolean; now: number }): Promise<CopiedCount[]> {
  if (from.kind === to.kind && from.where === to.where) {
    throw new UserError(`the store ${to.where} is the configured store itself`, 'give --to another store');
  }
  const [holder] = await from.workers(opts.now);
  if (holder) {
    throw new UserError(
      `a Herald worker (pid ${holder.pid} on ${holder.host}) is using the store ${from.where}`,
      'stop every worker on it first, so nothing changes while it is copied',
    );
  }
  if (!(await to.isEmpty())) {
    if (!opts.force) throw new UserError(`the store ${to.where} is not empty`, 'copy into an empty store, or add --force to replace what it holds');
    await to.clear();
  }
  const counts: CopiedCount[] = [];
  for (const table of COPIED_TABLES) {
    let rows = 0;
    for (;;) {
      const page = await from.readRows(table, rows, PAGE_ROWS);
      if (page.length === 0) break;
      await to.writeRows(table, page);
      rows += page.length;
    }
    counts.push({ table, rows });
  }
  return counts;
}
