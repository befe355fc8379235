import { sql, type Kysely } from 'kysely';
import { UsageError } from '../errors.js';

export interface ColumnInfo {
  name: string;
  /** `format_type` of the column, e.g. `integer`, `vector(384)`, `text[]`. */
  type: string;
  /** pg_type.typcategory: `A` array, `U` user-defined (vector, json…), `S` string… */
  category: string;
  /** The type has an `=` operator (json, point and xml have none): upserts on Citus compare with it. */
  equality: boolean;
}

export interface TableInfo {
  /** Quoted, schema-qualified name, ready for SQL text. */
  qualified: string;
  columns: Map<string, ColumnInfo>;
  primaryKey: string[];
}

/**
 * What the bulk helper needs to know about a table: column types (to write values in COPY's text
 * format and to build a staging table) and the primary key (the default conflict key of upserts).
 * `table` is a table's name exactly as created (capitals, quotes and all: no SQL quoting needed),
 * found on the search_path like SQL does, or `schema.name`.
 */
export async function tableInfo(db: Kysely<any>, table: string): Promise<TableInfo> {
  const { rows: found } = await sql<{ oid: string; qualified: string }>`
    select c.oid::text as oid, format('%I.%I', n.nspname, c.relname) as qualified
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p')
      and ((c.relname = ${table} and pg_catalog.pg_table_is_visible(c.oid)) or n.nspname || '.' || c.relname = ${table})
    order by c.relname = ${table} desc
    limit 1`.execute(db);
  if (!found.length) throw new UsageError(`table "${table}" does not exist`, { hint: 'run `dbctl migrate up` first, or check the table name' }, 'seed_table');
  const { oid, qualified } = found[0];
  const { rows: columns } = await sql<{ name: string; type: string; category: string; equality: boolean; pk: boolean }>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, t.typcategory as category,
           t.typcategory = 'A' or t.typtype = 'e' or exists (
             select 1 from pg_catalog.pg_operator o
             where o.oprname = '=' and o.oprleft = coalesce(nullif(t.typbasetype, 0), t.oid) and o.oprright = o.oprleft) as equality,
           coalesce(a.attnum = any(i.indkey), false) as pk
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_type t on t.oid = a.atttypid
    left join pg_catalog.pg_index i on i.indrelid = a.attrelid and i.indisprimary
    where a.attrelid = ${oid}::oid and a.attnum > 0 and not a.attisdropped
    order by a.attnum`.execute(db);
  return {
    qualified,
    columns: new Map(columns.map((c) => [c.name, { name: c.name, type: c.type, category: c.category, equality: c.equality }])),
    primaryKey: columns.filter((c) => c.pk).map((c) => c.name),
  };
}

