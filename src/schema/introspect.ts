import type { SqlClient } from '../driver/database.js';
import { bookkeepingTables, DBCTL_TABLE_PREFIX, DEFAULT_BOOKKEEPING, type BookkeepingNames } from '../catalog/bookkeeping.js';
import { quoteLiteral } from '../sql/quote.js';
import type {
  ColumnInfo,
  ConstraintInfo,
  ConstraintKind,
  Grant,
  IndexInfo,
  PolicyInfo,
  SchemaSnapshot,
  TableInfo,
  TriggerInfo,
  ViewInfo,
} from './model.js';
import * as q from './queries.js';

/** What `introspectSchema` needs of a database: one session for a consistent read. */
export interface Introspectable {
  session<T>(fn: (client: SqlClient) => Promise<T>): Promise<T>;
}

export interface IntrospectOptions {
  /** Only these schemas (default: every schema but pg_catalog, information_schema and pg_*). */
  schemas?: string[];
  /**
   * Where dbctl and Kysely keep their bookkeeping (config.migrations): those tables (and any
   * `dbctl_*` table beside them) are never part of the schema. Default: `public` with the
   * default table names.
   */
  migrations?: BookkeepingNames;
  /**
   * The session is already in a transaction (say, a migration under test, or a change to be rolled
   * back): read inside it instead of in a transaction of its own, leaving its search_path as it was.
   */
  inTransaction?: boolean;
}

/**
 * Reads the schema from the catalogs in one read-only transaction (a consistent snapshot on a busy
 * server). Objects that belong to an extension (pg_depend deptype 'e') and dbctl's bookkeeping are
 * left out; everything else is captured by name and definition, in code-point order.
 */
export async function introspectSchema(database: Introspectable, options: IntrospectOptions = {}): Promise<SchemaSnapshot> {
  const scope = scopeOf(options);
  return database.session(async (client) => {
    // Empty search_path: pg_get_*def and format_type then qualify every name outside pg_catalog,
    // so the output does not depend on the caller's search_path.
    // jit off: at 1,000 tables the planner's estimates for these queries pass jit_above_cost, and
    // a server with JIT spent ~0.3 s compiling the relations query alone, which then ran no faster.
    const own = !options.inTransaction;
    const previous = own ? undefined : (await client.query(`select pg_catalog.current_setting('search_path') as path, pg_catalog.current_setting('jit') as jit`)).rows[0];
    await client.query(`${own ? 'begin isolation level repeatable read read only; ' : ''}select pg_catalog.set_config('search_path', '', true), pg_catalog.set_config('jit', 'off', true)`);
    try {
      const run = async (text: string) => (await client.query(text)).rows;
      const schemas = await run(q.schemasQuery(scope));
      const extensions = await run(q.extensionsQuery(scope));
      const types = await run(q.typesQuery(scope));
      const sequences = await run(q.sequencesQuery(scope));
      const relations = await run(q.relationsQuery(scope));
      const constraints = await run(q.constraintsQuery(scope));
      const indexes = await run(q.indexesQuery(scope));
      const triggers = await run(q.triggersQuery(scope));
      const policies = await run(q.policiesQuery(scope));
      const functions = await run(q.functionsQuery(scope));
      return assemble({ schemas, extensions, types, sequences, relations, constraints, indexes, triggers, policies, functions });
    } finally {
      await client.query(own ? 'rollback' : `select pg_catalog.set_config('search_path', ${quoteLiteral(previous.path)}, true), pg_catalog.set_config('jit', ${quoteLiteral(previous.jit)}, true)`);
    }
  });
}

function scopeOf(options: IntrospectOptions): q.Scope {
  const m = options.migrations ?? DEFAULT_BOOKKEEPING;
  const list = (names: string[]) => names.map(quoteLiteral).join(', ');
  const schemaFilter = options.schemas?.length ? ` and n.nspname in (${list(options.schemas)})` : '';
  return {
    namespace: `(n.nspname <> 'information_schema' and n.nspname !~ '^pg_'${schemaFilter})`,
    relation: `not (n.nspname = ${quoteLiteral(m.schema)} and (c.relname in (${list(bookkeepingTables(m).map((t) => t.table))}) or c.relname ^@ ${quoteLiteral(DBCTL_TABLE_PREFIX)}))`,
    notExtension: (classid, oid) => `not exists (select from pg_depend e where e.classid = '${classid}'::regclass and e.objid = ${oid} and e.deptype = 'e')`,
  };
}

type Row = Record<string, any>;

/** Code-point order (never the locale's), so a snapshot sorts the same on every machine. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  return items.sort((a, b) => byCodePoint(key(a), key(b)));
}

const parse = <T>(text: string | null): T => (text === null ? ([] as T) : (JSON.parse(text) as T));
const qualified = (r: { schema: string; name: string }) => `${r.schema}.${r.name}`;

/**
 * Grants per role, privileges sorted. PUBLIC's are kept only where they differ from the default
 * for the kind of object (EXECUTE on a function is PUBLIC's unless revoked): an empty list for
 * PUBLIC means its default privileges were revoked.
 */
function grantsOf(json: string, defaultPublicJson?: string): Grant[] {
  const byRole = new Map<string, string[]>();
  for (const { role, privilege } of parse<{ role: string; privilege: string }[]>(json)) byRole.set(role, [...(byRole.get(role) ?? []), privilege]);
  const defaults = defaultPublicJson ? parse<string[]>(defaultPublicJson).sort(byCodePoint) : [];
  const publicNow = (byRole.get('PUBLIC') ?? []).sort(byCodePoint);
  if (publicNow.join() === defaults.join()) byRole.delete('PUBLIC');
  else byRole.set('PUBLIC', publicNow);
  return sortBy([...byRole].map(([role, privileges]) => ({ role, privileges: privileges.sort(byCodePoint) })), (g) => g.role);
}

const CONSTRAINT_KINDS: Record<string, ConstraintKind> = { p: 'primary key', u: 'unique', f: 'foreign key', c: 'check', x: 'exclusion' };

function assemble(rows: Record<string, Row[]>): SchemaSnapshot {
  const { tables, views } = relationsOf(rows.relations, tableObjectsOf(rows));
  return {
    schemas: sortBy(rows.schemas.map((r) => ({ name: r.name, comment: r.comment, grants: grantsOf(r.grants, r.default_public) })), (s) => s.name),
    extensions: sortBy(rows.extensions.map((r) => ({ name: r.name, schema: r.schema, version: r.version })), (e) => e.name),
    ...typesOf(rows.types),
    sequences: sequencesOf(rows.sequences),
    tables: sortBy(tables, qualified),
    views: sortBy(views, qualified),
    functions: functionsOf(rows.functions),
  };
}

/** Rows of `list` grouped by their table (`schema.table`), each group sorted by name. */
function perTable<T>(list: Row[], map: (r: Row) => T & { name: string }): Map<string, (T & { name: string })[]> {
  const out = new Map<string, (T & { name: string })[]>();
  for (const r of list) {
    const key = `${r.schema}.${r.table}`;
    out.set(key, [...(out.get(key) ?? []), map(r)]);
  }
  for (const items of out.values()) sortBy(items, (i) => i.name);
  return out;
}

interface TableObjects {
  constraints: Map<string, ConstraintInfo[]>;
  indexes: Map<string, IndexInfo[]>;
  triggers: Map<string, TriggerInfo[]>;
  policies: Map<string, PolicyInfo[]>;
}

/** What belongs to a table (or a view's indexes), by `schema.table`. */
function tableObjectsOf(rows: Record<string, Row[]>): TableObjects {
  return {
    constraints: perTable<ConstraintInfo>(rows.constraints, (r) => ({
      name: r.name,
      kind: CONSTRAINT_KINDS[r.kind],
      definition: r.definition,
      columns: parse(r.columns),
      references: r.ref_table ? { schema: r.ref_schema, table: r.ref_table, columns: parse(r.ref_columns) } : null,
      comment: r.comment,
    })),
    indexes: perTable<IndexInfo>(rows.indexes, (r) => ({ name: r.name, definition: r.definition, unique: r.unique, comment: r.comment })),
    triggers: perTable<TriggerInfo>(rows.triggers, (r) => ({ name: r.name, definition: r.definition, enabled: r.enabled, comment: r.comment })),
    policies: perTable<PolicyInfo>(rows.policies, (r) => ({
      name: r.name,
      permissive: r.permissive,
      command: r.command,
      roles: parse<string[]>(r.roles).sort(byCodePoint),
      using: r.using_expr,
      withCheck: r.with_check,
      comment: r.comment,
    })),
  };
}

function relationsOf(relations: Row[], objects: TableObjects): { tables: TableInfo[]; views: ViewInfo[] } {
  const tables: TableInfo[] = [];
  const views: ViewInfo[] = [];
  for (const r of relations) {
    const key = `${r.schema}.${r.name}`;
    const grants = grantsOf(r.grants, r.default_public);
    const options = parse<string[]>(r.options).sort(byCodePoint);
    const rawColumns = parse<Row[]>(r.columns);
    if (r.kind === 'v' || r.kind === 'm') {
      views.push({
        schema: r.schema,
        name: r.name,
        materialized: r.kind === 'm',
        definition: r.view_definition.trim(),
        options,
        columns: rawColumns.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
        dependsOn: parse<string[]>(r.depends_on).sort(byCodePoint),
        indexes: objects.indexes.get(key) ?? [],
        comment: r.comment,
        grants,
      });
      continue;
    }
    tables.push({
      schema: r.schema,
      name: r.name,
      partitioned: r.kind === 'p',
      unlogged: r.unlogged,
      partitionKey: r.partition_key,
      partitionOf: r.partition_parent ? { parent: r.partition_parent, bound: r.partition_bound } : null,
      options,
      rowSecurity: r.row_security,
      forceRowSecurity: r.force_row_security,
      columns: rawColumns.map(columnOf),
      constraints: objects.constraints.get(key) ?? [],
      indexes: objects.indexes.get(key) ?? [],
      triggers: objects.triggers.get(key) ?? [],
      policies: objects.policies.get(key) ?? [],
      comment: r.comment,
      grants,
    });
  }
  return { tables, views };
}

function typesOf(types: Row[]): Pick<SchemaSnapshot, 'enums' | 'domains' | 'compositeTypes'> {
  return {
    enums: sortBy(types.filter((t) => t.kind === 'e').map((t) => ({ schema: t.schema, name: t.name, labels: parse<string[]>(t.labels), comment: t.comment })), qualified),
    domains: sortBy(
      types.filter((t) => t.kind === 'd').map((t) => ({
        schema: t.schema,
        name: t.name,
        type: t.base_type,
        notNull: t.not_null,
        default: t.default_value,
        collation: t.collation,
        checks: parse(t.checks),
        comment: t.comment,
      })),
      qualified,
    ),
    compositeTypes: sortBy(types.filter((t) => t.kind === 'c').map((t) => ({ schema: t.schema, name: t.name, attributes: parse(t.attributes), comment: t.comment })), qualified),
  };
}

function sequencesOf(sequences: Row[]): SchemaSnapshot['sequences'] {
  return sortBy(
    sequences.map((r) => ({
      schema: r.schema,
      name: r.name,
      type: r.type,
      start: r.start,
      increment: r.increment,
      min: r.min,
      max: r.max,
      cache: r.cache,
      cycle: r.cycle,
      ownedBy: r.owned_by,
      comment: r.comment,
      grants: grantsOf(r.grants, r.default_public),
    })),
    qualified,
  );
}

function functionsOf(functions: Row[]): SchemaSnapshot['functions'] {
  return sortBy(
    functions.map((r) => ({
      schema: r.schema,
      name: r.name,
      arguments: r.arguments,
      kind: r.kind === 'p' ? ('procedure' as const) : r.kind === 'a' ? ('aggregate' as const) : ('function' as const),
      definition: r.definition.trim(),
      comment: r.comment,
      grants: grantsOf(r.grants, r.default_public),
    })),
    (f) => `${f.schema}.${f.name}(${f.arguments})`,
  );
}

function columnOf(c: Row): ColumnInfo {
  return {
    name: c.name,
    type: c.type,
    notNull: c.notNull,
    default: c.default,
    identity: c.identity === 'a' ? 'always' : c.identity === 'd' ? 'by default' : null,
    generated: c.generated === null ? null : { expression: c.generated, kind: c.generatedKind === 'v' ? 'virtual' : 'stored' },
    collation: c.collation,
    comment: c.comment,
    grants: grantsOf(c.grants),
  };
}
