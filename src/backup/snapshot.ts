import { listTables, type TableRef } from '../catalog/tables.js';
import type { SqlClient } from '../driver/database.js';
import { quoteIdent } from '../sql/quote.js';

/** One table's contents, as recorded in a manifest and compared after a restore. */
export interface TableSnapshot {
  schema: string;
  name: string;
  /** Row count; null in a schema-only manifest. */
  rows: number | null;
  /** Content digest (src/catalog/contents.ts); null in a schema-only manifest. */
  hash: string | null;
}

/** A catalog entry as the manifest writes it (its field names predate the catalog's). */
export function toSnapshot(t: TableRef & { rows: number | null; digest: string | null }): TableSnapshot {
  return { schema: t.schema, name: t.table, rows: t.rows, hash: t.digest };
}

export function schemaOnlySnapshot(tables: TableRef[]): TableSnapshot[] {
  return tables.map((t) => ({ schema: t.schema, name: t.table, rows: null, hash: null }));
}

/** The tables a manifest records: every user table holding rows (partitions, not their parents). */
export function listManifestTables(db: SqlClient): Promise<TableRef[]> {
  return listTables(db, 'user', { partitions: 'leaves' });
}

const qualified = (t: { schema: string; name: string }) => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;

/** Whether a database holds any user table (restoring over it would be destructive). */
export async function hasUserTables(db: SqlClient): Promise<boolean> {
  return (await listManifestTables(db)).length > 0;
}

/** Whether any of `tables` holds a row (a data-only restore over them would be destructive). */
export async function anyRows(db: SqlClient, tables: Array<{ schema: string; name: string }>): Promise<boolean> {
  const present = new Set((await listManifestTables(db)).map((t) => `${t.schema}.${t.table}`));
  for (const t of tables) {
    if (!present.has(`${t.schema}.${t.name}`)) continue;
    const { rows } = await db.query<{ any: boolean }>(`select exists (select 1 from ${qualified(t)}) as any`);
    if (rows[0].any) return true;
  }
  return false;
}

/** Drops every user schema (and so every object in them), leaving an empty `public`. */
export async function wipeSchemas(db: SqlClient): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(`
    select nspname as name from pg_namespace
    where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg\\_%'
    order by 1`);
  // One script, so one implicit transaction: all schemas go, or none.
  await db.query([...rows.map((r) => `drop schema ${quoteIdent(r.name)} cascade`), 'create schema if not exists public'].join(';\n'));
  return rows.map((r) => r.name);
}

/** Empties `tables` (a data-only restore with --clean), restarting their identities. */
export async function truncateTables(db: SqlClient, tables: Array<{ schema: string; name: string }>): Promise<void> {
  const present = new Set((await listManifestTables(db)).map((t) => `${t.schema}.${t.table}`));
  const ids = tables.filter((t) => present.has(`${t.schema}.${t.name}`)).map(qualified);
  if (ids.length) await db.query(`truncate ${ids.join(', ')} restart identity cascade`);
}

/** Server version as text and number (`show` works the same on PGlite). */
export async function serverVersion(db: SqlClient): Promise<{ text: string; num: number }> {
  const { rows } = await db.query<{ text: string; num: string }>(`select current_setting('server_version') as text, current_setting('server_version_num') as num`);
  return { text: rows[0].text.split(' ')[0], num: Number(rows[0].num) };
}
