import { listTables, type TableRef } from '../catalog/tables.js';
import type { SqlClient } from '../driver/database.js';
import { introspectSchema } from '../schema/introspect.js';
import type { TableInfo } from '../schema/model.js';

/** `\d`: the user's tables (the catalog's one listing). */
export function tablesOf(client: SqlClient): Promise<TableRef[]> {
  return listTables(client, 'user');
}

/**
 * `\d NAME`: a table as `schema dump` reads it (columns, types, nullability, defaults, constraints,
 * indexes), or undefined when NAME names no table. NAME resolves as in SQL (search_path, quotes).
 * Read on the console's own session without a transaction of its own, so a transaction the user
 * has open is neither ended nor required.
 */
export async function describeTable(client: SqlClient, name: string): Promise<TableInfo | undefined> {
  const { rows } = await client.query<{ schema: string; table: string }>(
    `select n.nspname as schema, c.relname as table from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.oid = pg_catalog.to_regclass($1) and c.relkind in ('r', 'p')`,
    [name],
  );
  if (!rows.length) return undefined;
  const { schema, table } = rows[0];
  // No bookkeeping filter: \d kysely_migration describes it like any table.
  const none = { schema: '', table: '', lockTable: '', historyTable: '' };
  const snapshot = await introspectSchema({ session: (fn) => fn(client) }, { schemas: [schema], inTransaction: true, migrations: none });
  return snapshot.tables.find((t) => t.schema === schema && t.name === table);
}
