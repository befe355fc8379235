/**
 * A database schema as plain data: names and definitions, never OIDs, owners or sizes, each list in
 * code-point order. Two snapshots are deep-equal exactly when the schemas are (for what is
 * captured), whichever backend or session produced them. Names in definitions are always
 * schema-qualified (introspection runs with an empty search_path), so `public.users`, not `users`.
 */
export interface SchemaSnapshot {
  /** Schemas other than `public` (which every database has). */
  schemas: SchemaInfo[];
  extensions: ExtensionInfo[];
  enums: EnumInfo[];
  domains: DomainInfo[];
  compositeTypes: CompositeTypeInfo[];
  /** Free-standing and serial sequences; identity sequences belong to their column. */
  sequences: SequenceInfo[];
  tables: TableInfo[];
  views: ViewInfo[];
  functions: FunctionInfo[];
}

/** Privileges granted to one role (`PUBLIC` for everyone), e.g. `{ role: 'app', privileges: ['INSERT', 'SELECT'] }`. */
export interface Grant {
  role: string;
  privileges: string[];
}

export interface SchemaInfo {
  name: string;
  comment: string | null;
  grants: Grant[];
}

export interface ExtensionInfo {
  name: string;
  schema: string;
  /** Depends on what the server has installed: compared by drift, left out of `schema dump`. */
  version: string;
}

export interface EnumInfo {
  schema: string;
  name: string;
  /** In declared order (pg_enum.enumsortorder), not alphabetical. */
  labels: string[];
  comment: string | null;
}

export interface DomainInfo {
  schema: string;
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  collation: string | null;
  checks: { name: string; definition: string }[];
  comment: string | null;
}

export interface CompositeTypeInfo {
  schema: string;
  name: string;
  attributes: { name: string; type: string }[];
  comment: string | null;
}

export interface SequenceInfo {
  schema: string;
  name: string;
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  /** `schema.table.column` for a serial column's sequence (OWNED BY). */
  ownedBy: string | null;
  comment: string | null;
  grants: Grant[];
}

export interface ColumnInfo {
  name: string;
  /** format_type: `integer`, `character varying(255)`, `public.vector(384)`, `text[]`. */
  type: string;
  notNull: boolean;
  default: string | null;
  identity: 'always' | 'by default' | null;
  /** The expression of a generated column. */
  generated: { expression: string; kind: 'stored' | 'virtual' } | null;
  /** Only when it differs from the type's default collation. */
  collation: string | null;
  comment: string | null;
  /** Column-level grants (GRANT SELECT (col) ON …). */
  grants: Grant[];
}

export type ConstraintKind = 'primary key' | 'unique' | 'foreign key' | 'check' | 'exclusion';

export interface ConstraintInfo {
  name: string;
  kind: ConstraintKind;
  /** pg_get_constraintdef: `FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE`. */
  definition: string;
  /** The constrained columns, in key order (empty for a check on an expression). */
  columns: string[];
  /** Foreign keys: the referenced table and columns. */
  references: { schema: string; table: string; columns: string[] } | null;
  comment: string | null;
}

export interface IndexInfo {
  name: string;
  /** pg_get_indexdef: `CREATE INDEX users_role_idx ON public.users USING btree (role)`. */
  definition: string;
  unique: boolean;
  comment: string | null;
}

export interface TriggerInfo {
  name: string;
  /** pg_get_triggerdef. */
  definition: string;
  enabled: boolean;
  comment: string | null;
}

export interface PolicyInfo {
  name: string;
  permissive: boolean;
  command: 'ALL' | 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  /** Role names, sorted; `PUBLIC` for everyone. */
  roles: string[];
  using: string | null;
  withCheck: string | null;
  comment: string | null;
}

export interface TableInfo {
  schema: string;
  name: string;
  partitioned: boolean;
  unlogged: boolean;
  /** `PARTITION BY …` of a partitioned table. */
  partitionKey: string | null;
  /** A partition: its parent (`schema.table`) and bound (`FOR VALUES …`). */
  partitionOf: { parent: string; bound: string } | null;
  /** reloptions, e.g. `fillfactor=70`, sorted. */
  options: string[];
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  /** In table order (attnum). */
  columns: ColumnInfo[];
  constraints: ConstraintInfo[];
  /** Indexes that no constraint owns (a primary key's or unique constraint's index is the constraint). */
  indexes: IndexInfo[];
  triggers: TriggerInfo[];
  policies: PolicyInfo[];
  comment: string | null;
  grants: Grant[];
}

export interface ViewInfo {
  schema: string;
  name: string;
  materialized: boolean;
  /** pg_get_viewdef: the SELECT as Postgres prints it back (not the text the migration wrote). */
  definition: string;
  /** reloptions, e.g. `security_invoker=true`, sorted. */
  options: string[];
  columns: { name: string; type: string; comment: string | null }[];
  /** Relations the view reads (`schema.name`), sorted: the order in which a dump can create views. */
  dependsOn: string[];
  /** Materialized views can be indexed. */
  indexes: IndexInfo[];
  comment: string | null;
  grants: Grant[];
}

export interface FunctionInfo {
  schema: string;
  name: string;
  /** pg_get_function_identity_arguments: `a integer, b text`; with the name, what identifies it. */
  arguments: string;
  kind: 'function' | 'procedure' | 'aggregate';
  /** pg_get_functiondef: the whole CREATE OR REPLACE statement (an aggregate's CREATE AGGREGATE, assembled). */
  definition: string;
  comment: string | null;
  grants: Grant[];
}
