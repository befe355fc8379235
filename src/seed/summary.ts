import { sql, type Kysely } from 'kysely';
import type { ResolvedConfig } from '../config/resolve.js';
import { sqlClientOf } from '../driver/kysely-sql.js';
import { listTables, type TableRef } from '../reset/catalog.js';

export interface TableSummary {
  schema: string;
  table: string;
  rows: number;
  /** md5 over the sorted md5s of the rows' text forms: equal digests = equal contents. */
  digest?: string;
}

/**
 * The tables of the managed schemas (those `dbctl reset` empties) minus migration bookkeeping,
 * with exact row counts and, on request, a content digest. The digest is computed with fixed
 * TimeZone, DateStyle and float output, so two databases (or backends) with the same rows agree.
 */
export async function summarizeTables(db: Kysely<any>, config: ResolvedConfig, options: { digest?: boolean; distributed?: 'citus' } = {}): Promise<TableSummary[]> {
  const { schema, table, lockTable, historyTable } = config.migrations;
  const bookkeeping = new Set([table, lockTable, historyTable].map((t) => `${schema}.${t}`));
  const tables = (await listTables(sqlClientOf(db), config.reset.schemas)).filter((t) => !bookkeeping.has(`${t.schema}.${t.table}`));
  if (!options.digest) return Promise.all(tables.map(async (t) => ({ ...t, rows: await countRows(db, t) })));
  return db.transaction().execute(async (trx) => {
    // On Citus the rows' text is made on the workers: the settings must reach them.
    if (options.distributed === 'citus') await sql`set local citus.propagate_set_commands = 'local'`.execute(trx);
    await sql`set local timezone = 'UTC'; set local datestyle = 'ISO, YMD'; set local intervalstyle = 'postgres'; set local extra_float_digits = 1`.execute(trx);
    const out: TableSummary[] = [];
    for (const t of tables) {
      const { rows } = await sql<{ rows: string; digest: string }>`
        select count(*) as rows, md5(coalesce(string_agg(h, '' order by h), '')) as digest
        from (select md5(t::text) as h from ${sql.id(t.schema, t.table)} t) s`.execute(trx);
      out.push({ ...t, rows: Number(rows[0].rows), digest: rows[0].digest });
    }
    return out;
  });
}

async function countRows(db: Kysely<any>, t: TableRef): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.id(t.schema, t.table)}`.execute(db);
  return Number(rows[0].n);
}
