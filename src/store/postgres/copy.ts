import { COPIED_TABLES, type CopiedTable, type Row } from '../store.ts';
import type { PgDb } from './db.ts';

/** Each copied table's primary key (its row order) and identity column, if any. */
const KEYS: Record<CopiedTable, { order: string; identity?: string }> = {
  feeds: { order: 'id' },
  articles: { order: 'pk', identity: 'pk' },
  deliveries: { order: 'id', identity: 'id' },
  attempts: { order: 'delivery_id, n' },
  channels: { order: 'id' },
  credentials: { order: 'channel_id' },
  alerts: { order: 'key' },
  page_images: { order: 'link_key' },
};

export async function isEmpty(db: PgDb): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>(`SELECT ${COPIED_TABLES.map((t) => `EXISTS (SELECT 1 FROM ${t})`).join(' OR ')} AS any`);
  return !rows[0]!.any;
}

export function clear(db: PgDb): Promise<void> {
  return db.tx(async (c) => {
    for (const table of [...COPIED_TABLES].reverse()) await c.query(`DELETE FROM ${table}`);
  });
}

export async function readRows(db: PgDb, table: CopiedTable, offset: number, limit: number): Promise<Row[]> {
  const { rows } = await db.query<Row>(`SELECT * FROM ${table} ORDER BY ${KEYS[table].order} LIMIT $1 OFFSET $2`, [limit, offset]);
  return rows;
}

/** Rows go in by column name (the backends' column orders differ), typed by the table's own row type. */
export function writeRows(db: PgDb, table: CopiedTable, rows: Row[]): Promise<void> {
  if (rows.length === 0) return Promise.resolve();
  const identity = KEYS[table].identity;
  return db.tx(async (c) => {
    await c.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`, [JSON.stringify(rows)]);
    if (identity) {
      await c.query(`SELECT setval(pg_get_serial_sequence('${table}', '${identity}'), (SELECT MAX(${identity}) FROM ${table}))`);
    }
  });
}
