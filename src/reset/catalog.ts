import type { SqlClient } from '../driver/open.js';

export interface TableRef {
  schema: string;
  table: string;
}

export interface ForeignKeyEdge {
  /** The table holding the foreign key: TRUNCATE … CASCADE empties it with `to`. */
  from: TableRef;
  to: TableRef;
}

/**
 * Ordinary and partitioned tables in `schemas`, leaving out partitions (their parent's TRUNCATE
 * covers them) and tables owned by an extension (PostGIS's spatial_ref_sys is data, not ours).
 * Byte order, so reports read the same whatever the database's collation.
 */
export async function listTables(db: SqlClient, schemas: string[]): Promise<TableRef[]> {
  const { rows } = await db.query<TableRef>(`
    select n.nspname as schema, c.relname as table
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition and n.nspname = any($1::text[])
      and not exists (
        select 1 from pg_catalog.pg_depend d
        where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
    order by n.nspname collate "C", c.relname collate "C"`, [schemas]);
  return rows;
}

/** Every foreign key in the database (top-level constraints only, not their per-partition copies). */
export async function listForeignKeys(db: SqlClient): Promise<ForeignKeyEdge[]> {
  const { rows } = await db.query<{ fs: string; ft: string; ts: string; tt: string }>(`
    select fn.nspname as fs, fc.relname as ft, tn.nspname as ts, tc.relname as tt
    from pg_catalog.pg_constraint k
    join pg_catalog.pg_class fc on fc.oid = k.conrelid
    join pg_catalog.pg_namespace fn on fn.oid = fc.relnamespace
    join pg_catalog.pg_class tc on tc.oid = k.confrelid
    join pg_catalog.pg_namespace tn on tn.oid = tc.relnamespace
    where k.contype = 'f' and k.conparentid = 0`);
  return rows.map((r) => ({ from: { schema: r.fs, table: r.ft }, to: { schema: r.ts, table: r.tt } }));
}
