import type { SqlClient } from '../driver/database.js';
import { quoteIdent } from '../sql/quote.js';

/** One table as the copy sees it: its columns (text form of their types) and its primary key. */
export interface CopyTable {
  schema: string;
  table: string;
  columns: Array<{ name: string; type: string; generated: boolean }>;
  primaryKey: string[];
  /** Partitioned: its rows are its partitions'. Any other table's are its own, its inheritance children's not (each is a table of its own here). */
  partitioned?: boolean;
}

/** A reference between tables: a declared foreign key, or a virtual one from the config. */
export interface Reference {
  name: string;
  from: string;
  columns: string[];
  to: string;
  toColumns: string[];
  /** Polymorphic: only rows of `from` whose columns hold these values. */
  when?: Record<string, string>;
}

export interface Graph {
  /** By `schema.table` key. */
  tables: Map<string, CopyTable>;
  references: Reference[];
}

/** `schema.table`, the key tables go by in a copy. */
export function keyOf(t: { schema: string; table: string }): string {
  return `${t.schema}.${t.table}`;
}

/** The SQL name of a table key. */
export function qualified(key: string): string {
  const dot = key.indexOf('.');
  return `${quoteIdent(key.slice(0, dot))}.${quoteIdent(key.slice(dot + 1))}`;
}

/**
 * What a table's own rows are read from on the source: a partitioned table with its partitions,
 * any other with `only` (an inheritance parent's scan would add its children's rows, which are
 * copied as the children's: read through the parent too, they were copied twice).
 */
export function rowsOf(key: string, table: { partitioned?: boolean } | undefined): string {
  return table?.partitioned ? qualified(key) : `only ${qualified(key)}`;
}

/** `users` or `app.users` as a key (`public` when no schema is named). */
export function tableKey(name: string): string {
  return name.includes('.') ? name : `public.${name}`;
}

/**
 * Tables (ordinary and partitioned parents, not partitions), columns and foreign keys of the user
 * schemas. Catalog reads only: it runs on the source inside the copy's read-only snapshot.
 */
export async function readGraph(client: SqlClient, leaveOut: (key: string) => boolean): Promise<Graph> {
  const { rows: cols } = await client.query<{ schema: string; table: string; name: string; type: string; generated: boolean; pk: boolean; partitioned: boolean }>(`
    select n.nspname as schema, c.relname as table, a.attname as name, pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
      c.relkind = 'p' as partitioned,
      a.attgenerated <> '' as generated,
      exists (select 1 from pg_catalog.pg_index i where i.indrelid = c.oid and i.indisprimary and a.attnum = any(i.indkey)) as pk
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where c.relkind in ('r', 'p') and not c.relispartition
      and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
      and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
    order by n.nspname collate "C", c.relname collate "C", a.attnum`);
  const tables = new Map<string, CopyTable>();
  for (const c of cols) {
    const key = keyOf(c);
    if (leaveOut(key)) continue;
    let t = tables.get(key);
    if (!t) tables.set(key, (t = { schema: c.schema, table: c.table, columns: [], primaryKey: [], partitioned: c.partitioned }));
    t.columns.push({ name: c.name, type: c.type, generated: c.generated });
    if (c.pk) t.primaryKey.push(c.name);
  }
  const { rows: fks } = await client.query<{ name: string; fs: string; ft: string; ts: string; tt: string; fc: string[]; tc: string[] }>(`
    select k.conname as name, fn.nspname as fs, fc.relname as ft, tn.nspname as ts, tc.relname as tt,
      array(select a.attname::text from unnest(k.conkey) with ordinality u(n, o) join pg_catalog.pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.o) as fc,
      array(select a.attname::text from unnest(k.confkey) with ordinality u(n, o) join pg_catalog.pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.o) as tc
    from pg_catalog.pg_constraint k
    join pg_catalog.pg_class fc on fc.oid = k.conrelid
    join pg_catalog.pg_namespace fn on fn.oid = fc.relnamespace
    join pg_catalog.pg_class tc on tc.oid = k.confrelid
    join pg_catalog.pg_namespace tn on tn.oid = tc.relnamespace
    where k.contype = 'f' and k.conparentid = 0
    order by fn.nspname collate "C", fc.relname collate "C", k.conname collate "C"`);
  const references = fks
    .map((r) => ({ name: r.name, from: `${r.fs}.${r.ft}`, columns: r.fc, to: `${r.ts}.${r.tt}`, toColumns: r.tc }))
    .filter((r) => tables.has(r.from) && tables.has(r.to));
  return { tables, references };
}
