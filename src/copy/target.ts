import type { SqlClient } from '../driver/database.js';
import { quoteIdent } from '../sql/quote.js';
import { CheckFailedError } from '../errors.js';

interface ForeignKeyDef {
  table: string;
  relname: string;
  name: string;
  definition: string;
}

/**
 * Readies the new database for loading in any order (cycles included): its foreign keys are
 * dropped and noted, its user triggers disabled (an audit or updated_at trigger must not rewrite
 * copied rows). `finish` puts them back: each foreign key is re-added, which checks every row
 * (0 violations, or the copy fails naming the key), then sequences are set past the copied keys
 * and materialized views refreshed.
 */
export async function prepareTarget(client: SqlClient, tables: string[]): Promise<{ finish(): Promise<void> }> {
  const { rows: fks } = await client.query<ForeignKeyDef>(`
    select format('%I.%I', n.nspname, c.relname) as table, c.relname, k.conname as name, pg_catalog.pg_get_constraintdef(k.oid) as definition
    from pg_catalog.pg_constraint k
    join pg_catalog.pg_class c on c.oid = k.conrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and k.conparentid = 0 and n.nspname not in ('pg_catalog', 'information_schema')
    order by 1, 2`);
  const script = [
    ...fks.map((f) => `alter table ${f.table} drop constraint ${quoteIdent(f.name)}`),
    ...tables.map((t) => `alter table ${t} disable trigger user`),
  ];
  if (script.length) await client.query(script.join(';\n'));
  return {
    async finish() {
      // One script, one round trip: a subset leaves most of a big schema's tables empty, and a
      // statement each was most of the time of re-adding their keys.
      try {
        if (fks.length) await client.query(fks.map((f) => `alter table ${f.table} add constraint ${quoteIdent(f.name)} ${f.definition}`).join(';\n'));
      } catch (error) {
        const e = error as { code?: string; message?: string; detail?: string; constraint?: string; table?: string };
        if (e.code !== '23503') throw error;
        const name = e.constraint ?? /foreign key constraint "([^"]+)"/.exec(e.message ?? '')?.[1];
        const f = fks.find((k) => k.name === name && k.relname === e.table) ?? fks.find((k) => k.name === name);
        throw new CheckFailedError(`db copy: foreign key ${f?.name ?? name} on ${f?.table ?? e.table} is violated by the copied rows: ${e.detail ?? e.message}`, {
          hint: 'a reference the subset does not follow (declare it in copy.virtualForeignKeys), or a masked key column: mask both sides with the same rule',
          data: { constraint: f?.name ?? name, table: f?.table ?? e.table },
        }, 'copy_verify_failed');
      }
      if (tables.length) await client.query(tables.map((t) => `alter table ${t} enable trigger user`).join(';\n'));
      await resetSequences(client);
      await refreshViews(client);
    },
  };
}

/** Every column-owned sequence (serial, identity) set past the largest value copied. */
async function resetSequences(client: SqlClient): Promise<void> {
  const { rows } = await client.query<{ seq: string; table: string; column: string }>(`
    select s.seq, format('%I.%I', n.nspname, c.relname) as table, a.attname as column
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    cross join lateral (select pg_catalog.pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) as seq) s
    where c.relkind in ('r', 'p') and s.seq is not null and n.nspname not in ('pg_catalog', 'information_schema')`);
  if (!rows.length) return;
  await client.query(rows.map((r) => `select pg_catalog.setval('${r.seq.replace(/'/g, "''")}', coalesce((select max(${quoteIdent(r.column)}) from ${r.table}), 1), (select count(*) > 0 from ${r.table}))`).join(';\n'));
}

async function refreshViews(client: SqlClient): Promise<void> {
  const { rows } = await client.query<{ view: string }>(`select format('%I.%I', schemaname, matviewname) as view from pg_catalog.pg_matviews where schemaname not in ('pg_catalog', 'information_schema') order by 1`);
  for (const r of rows) {
    try {
      await client.query(`refresh materialized view ${r.view}`);
    } catch (error) {
      throw new CheckFailedError(`db copy: refreshing materialized view ${r.view} failed: ${(error as Error).message}`, {}, 'copy_verify_failed');
    }
  }
}
