import type { Kysely } from 'kysely';
import { bookkeepingTables, type BookkeepingNames } from '../catalog/bookkeeping.js';
import { tableContents } from '../catalog/contents.js';
import { listTables } from '../catalog/tables.js';
import type { Database, SqlClient } from '../driver/database.js';
import { quoteIdent } from '../sql/quote.js';

export interface TableSummary {
  schema: string;
  table: string;
  rows: number;
  /**
   * The catalog's content digest (src/catalog/contents.ts): equal digests = equal contents, and the
   * very hash a backup manifest records for the table.
   */
  digest?: string;
}

/** Which tables a summary covers (`summaryConfig(config)`): the managed schemas, less the migration bookkeeping. */
export interface SummaryScope {
  schemas: string[];
  store: BookkeepingNames;
}

/**
 * The tables of the managed schemas (those `dbctl reset` empties) minus migration bookkeeping,
 * with exact row counts and, on request, a content digest, all read on one snapshot. The digest
 * is computed with fixed TimeZone, DateStyle and float output, so two databases (or backends) with
 * the same rows agree, and agree with a backup manifest of them. A partitioned table is one entry
 * (its partitions' rows included).
 */
export async function summarizeTables(
  db: Kysely<any> | Pick<Database, 'session'>,
  scope: SummaryScope,
  options: { digest?: boolean; distributed?: 'citus' } = {},
): Promise<TableSummary[]> {
  const bookkeeping = new Set(bookkeepingTables(scope.store).map((t) => `${t.schema}.${t.table}`));
  return inReadTransaction(db, async (client) => {
    const tables = (await listTables(client, scope.schemas)).filter((t) => !bookkeeping.has(`${t.schema}.${t.table}`));
    if (options.digest) return tableContents(client, tables, { distributed: options.distributed });
    const out: TableSummary[] = [];
    for (const t of tables) {
      const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${quoteIdent(t.schema)}.${quoteIdent(t.table)}`);
      out.push({ ...t, rows: Number(rows[0].n) });
    }
    return out;
  });
}

/** One session in a REPEATABLE READ transaction, rolled back afterwards (the digest's settings are SET LOCAL). */
async function inReadTransaction<T>(db: Kysely<any> | Pick<Database, 'session'>, fn: (client: SqlClient) => Promise<T>): Promise<T> {
  if ('session' in db) {
    return db.session(async (client) => {
      await client.query('begin isolation level repeatable read');
      try {
        return await fn(client);
      } finally {
        await client.query('rollback').catch(() => {});
      }
    });
  }
  const { sqlClientOf } = await import('../driver/kysely-sql.js');
  return db.transaction().setIsolationLevel('repeatable read').execute((trx) => fn(sqlClientOf(trx)));
}
