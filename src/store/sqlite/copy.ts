import { COPIED_TABLES, type CopiedTable, type Row } from '../store.ts';
import { statement, type Db } from './db.ts';

export function isEmpty(db: Db): boolean {
  return COPIED_TABLES.every((t) => !statement<[], { one: number }>(db, `SELECT 1 AS one FROM ${t} LIMIT 1`).get());
}

export function clear(db: Db): void {
  db.transaction(() => {
    for (const t of [...COPIED_TABLES].reverse()) db.exec(`DELETE FROM ${t}`);
  })();
}

export function readRows(db: Db, table: CopiedTable, offset: number, limit: number): Row[] {
  return statement<[number, number], Row>(db, `SELECT * FROM ${table} ORDER BY rowid LIMIT ? OFFSET ?`).all(limit, offset);
}

export function writeRows(db: Db, table: CopiedTable, rows: Row[]): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  db.transaction(() => {
    for (const row of rows) insert.run(row);
  })();
}
