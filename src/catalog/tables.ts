import type { SqlClient } from '../driver/database.js';

export interface TableRef {
  schema: string;
  table: string;
}

export interface ForeignKeyEdge {
  /** The table holding the foreign key: emptying `to` means emptying it too. */
  from: TableRef;
  to: TableRef;
  /** The constraint's name, for messages. */
  name: string;
}

/** `child` inherits from `parent`: a partition, or a child table of classic inheritance. */
export interface InheritanceEdge {
  child: TableRef;
  parent: TableRef;
  partition: boolean;
}

/** A table whose column default calls nextval on `sequence`, or (`owned`) whose column owns it. */
export interface SequenceUse {
  sequence: SequenceRef;
  table: TableRef;
  /** Owned by a column of `table` (serial, identity): TRUNCATE … RESTART IDENTITY restarts it. */
  owned: boolean;
}

export interface SequenceRef {
  schema: string;
  sequence: string;
}

export interface ListTablesOptions {
  /**
   * `'tables'` (default): ordinary and partitioned tables, leaving out partitions (their parent
   * covers them: its TRUNCATE empties them, its rows include theirs). `'leaves'`: the tables that
   * hold rows themselves, i.e. ordinary tables and partitions, without partitioned parents (a
   * backup manifest records these: what pg_dump writes and a restore fills).
   */
  partitions?: 'tables' | 'leaves';
}

/**
 * The one table listing: tables in `schemas` (`'user'`: every schema but the system ones), leaving
 * out tables owned by an extension (PostGIS's spatial_ref_sys is data, not ours). Byte order, so
 * reports and manifests read the same whatever the database's collation.
 */
export async function listTables(db: SqlClient, schemas: string[] | 'user', options: ListTablesOptions = {}): Promise<TableRef[]> {
  const kinds = options.partitions === 'leaves' ? `c.relkind = 'r'` : `c.relkind in ('r', 'p') and not c.relispartition`;
  const inSchemas = schemas === 'user'
    ? `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`
    : `n.nspname = any($1::text[])`;
  const { rows } = await db.query<TableRef>(`
    select n.nspname as schema, c.relname as table
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where ${kinds} and ${inSchemas}
      and not exists (
        select 1 from pg_catalog.pg_depend d
        where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
    order by n.nspname collate "C", c.relname collate "C"`, schemas === 'user' ? [] : [schemas]);
  return rows;
}

/**
 * Every foreign key in the database, including the copies Postgres keeps per partition (TRUNCATE
 * follows those: a key on a partition, or to one, is how a partitioned table's rows are reached).
 * Top-level constraints come first, so a refusal names the one the user declared.
 */
export async function listForeignKeys(db: SqlClient): Promise<ForeignKeyEdge[]> {
  const { rows } = await db.query<{ name: string; fs: string; ft: string; ts: string; tt: string }>(`
    select k.conname as name, fn.nspname as fs, fc.relname as ft, tn.nspname as ts, tc.relname as tt
    from pg_catalog.pg_constraint k
    join pg_catalog.pg_class fc on fc.oid = k.conrelid
    join pg_catalog.pg_namespace fn on fn.oid = fc.relnamespace
    join pg_catalog.pg_class tc on tc.oid = k.confrelid
    join pg_catalog.pg_namespace tn on tn.oid = tc.relnamespace
    where k.contype = 'f'
    order by k.conparentid <> 0, fn.nspname collate "C", fc.relname collate "C", k.conname collate "C"`);
  return rows.map((r) => ({ from: { schema: r.fs, table: r.ft }, to: { schema: r.ts, table: r.tt }, name: r.name }));
}

/** Every parent → child edge between tables (pg_inherits also links partitioned indexes: left out). */
export async function listInheritance(db: SqlClient): Promise<InheritanceEdge[]> {
  const { rows } = await db.query<{ cs: string; ct: string; ps: string; pt: string; partition: boolean }>(`
    select cn.nspname as cs, c.relname as ct, pn.nspname as ps, p.relname as pt, c.relispartition as partition
    from pg_catalog.pg_inherits i
    join pg_catalog.pg_class c on c.oid = i.inhrelid
    join pg_catalog.pg_namespace cn on cn.oid = c.relnamespace
    join pg_catalog.pg_class p on p.oid = i.inhparent
    join pg_catalog.pg_namespace pn on pn.oid = p.relnamespace
    where c.relkind in ('r', 'p', 'f')
    order by cn.nspname collate "C", c.relname collate "C"`);
  return rows.map((r) => ({ child: { schema: r.cs, table: r.ct }, parent: { schema: r.ps, table: r.pt }, partition: r.partition }));
}

/**
 * Which tables use which sequences: a column default's nextval('seq') is recorded in pg_depend
 * (pg_attrdef → sequence, deptype 'n') whether or not a column owns the sequence; ownership is
 * pg_class → table, deptype 'a' (serial, OWNED BY) or 'i' (identity).
 */
export async function listSequenceUses(db: SqlClient): Promise<SequenceUse[]> {
  const { rows } = await db.query<{ ss: string; sn: string; ts: string; tn: string; owned: boolean }>(`
    select sn.nspname as ss, s.relname as sn, tn.nspname as ts, t.relname as tn, u.owned
    from (
      select d.refobjid as seq, a.adrelid as tab, false as owned
      from pg_catalog.pg_depend d
      join pg_catalog.pg_attrdef a on a.oid = d.objid
      where d.classid = 'pg_catalog.pg_attrdef'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass
      union
      select d.objid, d.refobjid, true
      from pg_catalog.pg_depend d
      where d.classid = 'pg_catalog.pg_class'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass and d.deptype in ('a', 'i')
    ) u
    join pg_catalog.pg_class s on s.oid = u.seq and s.relkind = 'S'
    join pg_catalog.pg_namespace sn on sn.oid = s.relnamespace
    join pg_catalog.pg_class t on t.oid = u.tab
    join pg_catalog.pg_namespace tn on tn.oid = t.relnamespace
    order by sn.nspname collate "C", s.relname collate "C", tn.nspname collate "C", t.relname collate "C", u.owned`);
  return rows.map((r) => ({ sequence: { schema: r.ss, sequence: r.sn }, table: { schema: r.ts, table: r.tn }, owned: r.owned }));
}
