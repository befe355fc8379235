import { sql, type Kysely } from 'kysely';
import type { ColumnMetadataOptions, DatabaseMetadata, TableMetadataOptions } from 'kysely-codegen';
import { isBookkeepingTable } from '../catalog/bookkeeping.js';
import type { ResolvedConfig } from '../config/resolve.js';

/**
 * What kysely-codegen's Postgres introspection gets wrong or leaves out, read from the catalogs in
 * three queries and applied to its metadata before serializing:
 * - domains resolved to their base type in the base type's schema (so a domain over an enum in
 *   another schema, or an array of a domain, gets the right type);
 * - enum labels in declaration order (its query has no ORDER BY, so the union could reorder);
 * - partitions dropped by `relispartition` (it drops every inheritance child instead);
 * - columns Postgres never lets you write (GENERATED ALWAYS identity, stored generated columns);
 * - dbctl's and Kysely's bookkeeping tables, and the `schemas` filter;
 * - tables and views an extension owns (pg_depend deptype `e`: Citus's `citus_tables` and
 *   `citus_schemas` views in public, PostGIS's `spatial_ref_sys`): the extension's, not the application's.
 */
export interface CatalogFacts {
  /** `schema.domain` → the non-domain type under it. */
  domains: Map<string, { schema: string; name: string }>;
  /** `schema.enum` → labels in `enumsortorder`. */
  enums: Map<string, string[]>;
  partitions: Set<string>;
  /** `schema.table.column` of columns an INSERT must not name. */
  generatedAlways: Set<string>;
  /** `schema.relation` of tables and views that belong to an extension. */
  extensionOwned: Set<string>;
}

export async function readCatalogFacts(db: Kysely<any>): Promise<CatalogFacts> {
  const [domains, enums, relations, owned] = await Promise.all([
    sql<{ schema: string; name: string; base_schema: string; base_name: string }>`
      with recursive chain as (
        select t.oid, t.typbasetype as base from pg_type t where t.typtype = 'd'
        union all
        select chain.oid, b.typbasetype from chain join pg_type b on b.oid = chain.base where b.typtype = 'd'
      )
      select n.nspname as schema, t.typname as name, bn.nspname as base_schema, b.typname as base_name
      from chain
      join pg_type t on t.oid = chain.oid
      join pg_namespace n on n.oid = t.typnamespace
      join pg_type b on b.oid = chain.base
      join pg_namespace bn on bn.oid = b.typnamespace
      where b.typtype <> 'd'`.execute(db),
    sql<{ schema: string; name: string; label: string }>`
      select n.nspname as schema, t.typname as name, e.enumlabel as label
      from pg_enum e
      join pg_type t on t.oid = e.enumtypid
      join pg_namespace n on n.oid = t.typnamespace
      order by n.nspname, t.typname, e.enumsortorder`.execute(db),
    sql<{ schema: string; table: string; partition: boolean; column: string | null }>`
      select n.nspname as schema, c.relname as table, c.relispartition as partition, a.attname as column
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        and (a.attgenerated <> '' or a.attidentity = 'a')
      where c.relkind in ('r', 'p') and (c.relispartition or a.attname is not null)`.execute(db),
    sql<{ schema: string; name: string }>`
      select n.nspname as schema, c.relname as name
      from pg_depend d
      join pg_class c on c.oid = d.objid
      join pg_namespace n on n.oid = c.relnamespace
      where d.classid = 'pg_class'::regclass and d.deptype = 'e'`.execute(db),
  ]);
  const facts: CatalogFacts = { domains: new Map(), enums: new Map(), partitions: new Set(), generatedAlways: new Set(), extensionOwned: new Set(owned.rows.map((r) => `${r.schema}.${r.name}`)) };
  for (const d of domains.rows) facts.domains.set(`${d.schema}.${d.name}`, { schema: d.base_schema, name: d.base_name });
  for (const e of enums.rows) {
    const key = `${e.schema}.${e.name}`;
    facts.enums.set(key, [...(facts.enums.get(key) ?? []), e.label]);
  }
  for (const r of relations.rows) {
    if (r.partition) facts.partitions.add(`${r.schema}.${r.table}`);
    if (r.column !== null) facts.generatedAlways.add(`${r.schema}.${r.table}.${r.column}`);
  }
  return facts;
}

/** Tables dbctl and Kysely keep for themselves: never part of the application's types. */
function isBookkeeping(table: { schema?: string; name: string }, config: ResolvedConfig): boolean {
  return isBookkeepingTable(config.migrations, table);
}

export interface Refined {
  tables: TableMetadataOptions[];
  enums: Map<string, string[]>;
  /** `schema.table.column` keys of columns to type as never-insertable. */
  generatedAlways: Set<string>;
}

/** Applies the catalog facts (see CatalogFacts) and the table filters to kysely-codegen's metadata. */
export function refineMetadata(metadata: DatabaseMetadata, facts: CatalogFacts, config: ResolvedConfig, schemas: string[] | undefined): Refined {
  const tables = metadata.tables
    .filter((t) => !facts.partitions.has(`${t.schema}.${t.name}`) && !facts.extensionOwned.has(`${t.schema}.${t.name}`))
    .filter((t) => !isBookkeeping(t, config))
    .filter((t) => !schemas?.length || schemas.includes(t.schema ?? ''))
    .map((t) => ({
      name: t.name,
      schema: t.schema,
      isView: t.isView,
      columns: t.columns.map((c) => resolveDomain(c, facts)),
    }));
  return { tables, enums: facts.enums, generatedAlways: facts.generatedAlways };
}

function resolveDomain(column: ColumnMetadataOptions, facts: CatalogFacts): ColumnMetadataOptions {
  const base = facts.domains.get(`${column.dataTypeSchema}.${column.dataType}`);
  const resolved = { ...column, comment: column.comment ?? null };
  if (!base) return resolved;
  // A domain over an array type: its base is the array type `_elem`.
  const overArray = base.name.startsWith('_');
  return { ...resolved, dataType: overArray ? base.name.slice(1) : base.name, dataTypeSchema: base.schema, isArray: column.isArray || overArray };
}
