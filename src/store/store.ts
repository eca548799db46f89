import type { AlertStore } from '../alerts/alert-store.ts';
import type { CredentialStore } from '../auth/credential-store.ts';
import type { Outbox } from '../delivery/outbox.ts';
import type { PlanQueue } from '../delivery/plan-queue.ts';
import type { FeedLedger } from '../feeds/ledger.ts';
import type { OperatorActions } from '../operator/actions.ts';
import type { ReadModel } from '../operator/read-model.ts';
import type { WorkerLeases } from '../scheduler/leases.ts';
import type { CredentialExpiries } from '../http/console-store.ts';

/** The tables `herald store copy` moves, parents before children; the same columns on both backends. */
export const COPIED_TABLES = ['feeds', 'articles', 'deliveries', 'attempts', 'channels', 'credentials', 'alerts', 'page_images'] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];
export type Row = Record<string, string | number | null>;

/** Rows of a table in primary-key order, a page at a time, and their exact copy into another store. */
export interface TableCopy {
  /** Whether every copied table is empty. */
  isEmpty(): Promise<boolean>;
  /** Deletes every copied row (for `store copy --force`). */
  clear(): Promise<void>;
  readRows(table: CopiedTable, offset: number, limit: number): Promise<Row[]>;
  /** Inserts rows as they are (ids kept); id sequences move past them. */
  writeRows(table: CopiedTable, rows: Row[]): Promise<void>;
}

/** Everything the core keeps: one of these per process, SQLite or PostgreSQL behind it. */
export interface Store extends Outbox, PlanQueue, FeedLedger, WorkerLeases, OperatorActions, ReadModel, AlertStore, CredentialStore, CredentialExpiries, TableCopy {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is, for messages: the file, or host:port/database (never a password). */
  readonly where: string;
  /** Resolves when the store answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
