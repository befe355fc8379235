import type { TableRef } from './tables.js';

/** Where dbctl and Kysely keep their bookkeeping: one schema, Kysely's two tables and dbctl's history. */
export interface BookkeepingNames {
  schema: string;
  /** Kysely's migration table. */
  table: string;
  /** Kysely's lock table. */
  lockTable: string;
  /** dbctl's own per-migration facts (checksum, duration, batch…). */
  historyTable: string;
}

/**
 * The one place the default names are written: Kysely's own tables in `public` (so a database
 * migrated by Kysely's Migrator or kysely-ctl is read as it is), plus dbctl's history table.
 */
export const DEFAULT_BOOKKEEPING: Readonly<BookkeepingNames> = Object.freeze({
  schema: 'public',
  table: 'kysely_migration',
  lockTable: 'kysely_migration_lock',
  historyTable: 'dbctl_migration',
});

/** dbctl's own tables beside the bookkeeping start with this; they are never the application's. */
export const DBCTL_TABLE_PREFIX = 'dbctl_';

/** The bookkeeping tables themselves: never emptied, summarised, typed or part of the schema. */
export function bookkeepingTables(names: BookkeepingNames): TableRef[] {
  return [names.table, names.lockTable, names.historyTable].map((table) => ({ schema: names.schema, table }));
}

/** Whether `table` is bookkeeping: one of its tables, or a `dbctl_*` table in its schema. */
export function isBookkeepingTable(names: BookkeepingNames, table: { schema?: string; name: string }): boolean {
  if (table.schema !== names.schema) return false;
  return [names.table, names.lockTable, names.historyTable].includes(table.name) || table.name.startsWith(DBCTL_TABLE_PREFIX);
}
