import { byCodePoint } from './introspect.js';
import type { ColumnInfo, Grant, SchemaSnapshot, TableInfo, ViewInfo } from './model.js';
import { ident, literal, qualifiedIdent, roleIdent } from './sql-names.js';

/**
 * The schema as one SQL script that builds it on an empty database: deterministic (objects in a
 * fixed order, code-point sorted within each section), schema-qualified, and free of what varies
 * between servers (owners, extension versions, OIDs, dates), so it can be committed and diffed.
 * Dependency order: schemas, extensions, types, sequences, functions (bodies unchecked, as
 * pg_dump does), tables, views, indexes, foreign keys, triggers, row-level security, grants,
 * comments.
 */
export function dumpSchema(snapshot: SchemaSnapshot): string {
  const relations = [...snapshot.tables, ...snapshot.views].map(name).sort((a, b) => b.length - a.length);
  // Bodies are not checked at creation (check_function_bodies off), but signatures and
  // SQL-standard bodies (BEGIN ATOMIC, RETURN) are resolved at once.
  const late = (f: SchemaSnapshot['functions'][number]) => {
    const signature = `${f.arguments} ${/\n RETURNS (.*)\n/.exec(f.definition)?.[1] ?? ''}`;
    return /\n(BEGIN ATOMIC|RETURN )/.test(f.definition) || relations.some((r) => new RegExp(`(^|[^\\w."])${escapeRegExp(r)}($|[^\\w."])`).test(signature));
  };
  const sections: [string, string[]][] = [
    ['Roles the schema names (global to the server: created NOLOGIN only when missing)', roles(snapshot)],
    ['Schemas', snapshot.schemas.map((s) => `CREATE SCHEMA ${ident(s.name)};`)],
    ['Extensions (the version is whatever the server provides)', snapshot.extensions.map((e) => `CREATE EXTENSION IF NOT EXISTS ${ident(e.name)} WITH SCHEMA ${ident(e.schema)};`)],
    ['Types', types(snapshot)],
    ['Sequences', snapshot.sequences.map(sequence)],
    ['Functions', snapshot.functions.filter((f) => f.kind !== 'aggregate' && !late(f)).map((f) => `${f.definition};`)],
    ['Aggregates (after the functions they call, before the views that use them)', snapshot.functions.filter((f) => f.kind === 'aggregate').map((f) => `${f.definition};`)],
    ['Tables', orderTables(snapshot.tables).map(table)],
    ['Views', orderViews(snapshot.views).map(view)],
    ['Functions that need tables to exist (a row type in the signature, or a SQL-standard body)', snapshot.functions.filter((f) => f.kind !== 'aggregate' && late(f)).map((f) => `${f.definition};`)],
    ['Indexes', [...snapshot.tables, ...snapshot.views].flatMap((r) => r.indexes.map((i) => `${i.definition};`))],
    ['Constraints added after every table exists (foreign keys, NOT VALID)', snapshot.tables.flatMap(lateConstraints)],
    ['Sequence ownership', snapshot.sequences.filter((s) => s.ownedBy).map((s) => `ALTER SEQUENCE ${qualifiedIdent(s.schema, s.name)} OWNED BY ${dotted(s.ownedBy!)};`)],
    ['Triggers', snapshot.tables.flatMap((t) => t.triggers.flatMap((g) => [`${g.definition};`, ...(g.enabled ? [] : [`ALTER TABLE ${name(t)} DISABLE TRIGGER ${ident(g.name)};`])]))],
    ['Row-level security', snapshot.tables.flatMap(rowSecurity)],
    ['Grants', grants(snapshot)],
    ['Comments', comments(snapshot)],
  ];
  const header = [
    '-- The database schema, written by `dbctl schema dump` (or `migrate up --dump-schema`): do not edit.',
    '-- Deterministic: a fixed object order, schema-qualified names, no owners, versions or dates.',
    '',
    'SET check_function_bodies = false;',
  ];
  // One-line statements stay together; a blank line sets apart those that span lines.
  const joined = (statements: string[]) => statements.join(statements.some((s) => s.includes('\n')) ? '\n\n' : '\n');
  const body = sections.filter(([, statements]) => statements.length).map(([title, statements]) => `-- ${title}\n\n${joined(statements)}`);
  return `${[header.join('\n'), ...body].join('\n\n')}\n`;
}

const name = (r: { schema: string; name: string }) => qualifiedIdent(r.schema, r.name);
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `schema.table` or `schema.table.column` as stored in the snapshot, quoted part by part. */
export function dotted(value: string): string {
  return value.split('.').map(ident).join('.');
}

export function roles(snapshot: SchemaSnapshot): string[] {
  const names = new Set<string>();
  const addGrants = (grants: Grant[]) => grants.forEach((g) => names.add(g.role));
  snapshot.schemas.forEach((s) => addGrants(s.grants));
  snapshot.sequences.forEach((s) => addGrants(s.grants));
  snapshot.functions.forEach((f) => addGrants(f.grants));
  snapshot.views.forEach((v) => addGrants(v.grants));
  for (const t of snapshot.tables) {
    addGrants(t.grants);
    t.columns.forEach((c) => addGrants(c.grants));
    t.policies.forEach((p) => p.roles.forEach((r) => names.add(r)));
  }
  names.delete('PUBLIC');
  return [...names].sort(byCodePoint).map((r) =>
    `DO $$ BEGIN CREATE ROLE ${ident(r)} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;`,
  );
}

export function types(snapshot: Pick<SchemaSnapshot, 'enums' | 'domains' | 'compositeTypes'>): string[] {
  return [
    ...snapshot.enums.map((e) => `CREATE TYPE ${name(e)} AS ENUM (${e.labels.map(literal).join(', ')});`),
    ...snapshot.domains.map((d) =>
      [
        `CREATE DOMAIN ${name(d)} AS ${d.type}`,
        d.collation && ` COLLATE ${d.collation}`,
        d.default !== null && ` DEFAULT ${d.default}`,
        d.notNull && ' NOT NULL',
        ...d.checks.map((c) => `\n    CONSTRAINT ${ident(c.name)} ${c.definition}`),
        ';',
      ].filter(Boolean).join(''),
    ),
    ...snapshot.compositeTypes.map((c) => `CREATE TYPE ${name(c)} AS (\n${c.attributes.map((a) => `    ${ident(a.name)} ${a.type}`).join(',\n')}\n);`),
  ];
}

export function sequence(s: SchemaSnapshot['sequences'][number]): string {
  return `CREATE SEQUENCE ${name(s)} AS ${s.type} START WITH ${s.start} INCREMENT BY ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ''};`;
}

/** Partitions after every table that is not one, so their parents exist. */
function orderTables(tables: TableInfo[]): TableInfo[] {
  return [...tables.filter((t) => !t.partitionOf), ...tables.filter((t) => t.partitionOf)];
}

export const isLate = (c: TableInfo['constraints'][number]) => c.kind === 'foreign key' || c.definition.endsWith('NOT VALID');

export function table(t: TableInfo): string {
  const create = `CREATE ${t.unlogged ? 'UNLOGGED ' : ''}TABLE ${name(t)}`;
  const withOptions = t.options.length ? ` WITH (${t.options.join(', ')})` : '';
  if (t.partitionOf) {
    const own = t.constraints.filter((c) => !isLate(c)).map((c) => `\n    CONSTRAINT ${ident(c.name)} ${c.definition}`);
    const partitionKey = t.partitionKey ? ` PARTITION BY ${t.partitionKey}` : '';
    return `${create} PARTITION OF ${dotted(t.partitionOf.parent)}${own.length ? ` (${own.join(',')}\n)` : ''}\n    ${t.partitionOf.bound}${partitionKey}${withOptions};`;
  }
  const lines = [
    ...t.columns.map(column),
    ...t.constraints.filter((c) => !isLate(c)).map((c) => `CONSTRAINT ${ident(c.name)} ${c.definition}`),
  ];
  const partitionKey = t.partitionKey ? ` PARTITION BY ${t.partitionKey}` : '';
  return `${create} (\n${lines.map((l) => `    ${l}`).join(',\n')}\n)${partitionKey}${withOptions};`;
}

export function column(c: ColumnInfo): string {
  return [
    `${ident(c.name)} ${c.type}`,
    c.collation && ` COLLATE ${c.collation}`,
    c.generated && ` GENERATED ALWAYS AS (${c.generated.expression}) ${c.generated.kind.toUpperCase()}`,
    c.default !== null && ` DEFAULT ${c.default}`,
    c.identity && ` GENERATED ${c.identity.toUpperCase()} AS IDENTITY`,
    c.notNull && ' NOT NULL',
  ].filter(Boolean).join('');
}

function lateConstraints(t: TableInfo): string[] {
  return t.constraints.filter(isLate).map((c) => `ALTER TABLE ${name(t)} ADD CONSTRAINT ${ident(c.name)} ${c.definition};`);
}

/** Views in an order where each comes after the views it reads (then by name). */
function orderViews(views: ViewInfo[]): ViewInfo[] {
  const byName = new Map(views.map((v) => [`${v.schema}.${v.name}`, v]));
  const done = new Set<string>();
  const ordered: ViewInfo[] = [];
  const visit = (v: ViewInfo, path: Set<string>) => {
    const key = `${v.schema}.${v.name}`;
    if (done.has(key) || path.has(key)) return;
    path.add(key);
    for (const dep of v.dependsOn) if (byName.has(dep)) visit(byName.get(dep)!, path);
    done.add(key);
    ordered.push(v);
  };
  for (const v of views) visit(v, new Set());
  return ordered;
}

export function view(v: ViewInfo): string {
  const options = v.options.length ? ` WITH (${v.options.join(', ')})` : '';
  if (!v.materialized) return `CREATE VIEW ${name(v)}${options} AS\n${v.definition}`;
  // Rows are data, not schema: created empty (REFRESH MATERIALIZED VIEW fills it), as pg_dump --schema-only does.
  return `CREATE MATERIALIZED VIEW ${name(v)}${options} AS\n${v.definition.replace(/;$/, '')}\nWITH NO DATA;`;
}

export function rowSecurity(t: TableInfo): string[] {
  return [
    ...(t.rowSecurity ? [`ALTER TABLE ${name(t)} ENABLE ROW LEVEL SECURITY;`] : []),
    ...(t.forceRowSecurity ? [`ALTER TABLE ${name(t)} FORCE ROW LEVEL SECURITY;`] : []),
    ...t.policies.map((p) =>
      [
        `CREATE POLICY ${ident(p.name)} ON ${name(t)}`,
        p.permissive ? '' : ' AS RESTRICTIVE',
        ` FOR ${p.command} TO ${p.roles.map(roleIdent).join(', ')}`,
        p.using !== null ? `\n    USING (${p.using})` : '',
        p.withCheck !== null ? `\n    WITH CHECK (${p.withCheck})` : '',
        ';',
      ].join(''),
    ),
  ];
}

/**
 * GRANT statements for one object. PUBLIC's entry, present only when it differs from the default,
 * starts with a REVOKE so that a revoked default (an empty list) is restored too.
 */
export function grantStatements(grants: Grant[], on: string, columns = ''): string[] {
  const out: string[] = [];
  for (const g of grants) {
    if (g.role === 'PUBLIC' && !columns) out.push(`REVOKE ALL ON ${on} FROM PUBLIC;`);
    const plain = g.privileges.filter((p) => !p.endsWith(' WITH GRANT OPTION'));
    const grantable = g.privileges.filter((p) => p.endsWith(' WITH GRANT OPTION')).map((p) => p.replace(' WITH GRANT OPTION', ''));
    if (plain.length) out.push(`GRANT ${plain.map((p) => p + columns).join(', ')} ON ${on} TO ${roleIdent(g.role)};`);
    if (grantable.length) out.push(`GRANT ${grantable.map((p) => p + columns).join(', ')} ON ${on} TO ${roleIdent(g.role)} WITH GRANT OPTION;`);
  }
  return out;
}

function grants(snapshot: SchemaSnapshot): string[] {
  const relations = [...snapshot.tables, ...snapshot.views].sort((a, b) => byCodePoint(`${a.schema}.${a.name}`, `${b.schema}.${b.name}`));
  const groups = [
    ...snapshot.schemas.map((s) => grantStatements(s.grants, `SCHEMA ${ident(s.name)}`)),
    ...snapshot.sequences.map((s) => grantStatements(s.grants, `SEQUENCE ${name(s)}`)),
    ...relations.map((r) => [
      ...grantStatements(r.grants, `TABLE ${name(r)}`),
      ...('rowSecurity' in r ? r.columns.flatMap((c) => grantStatements(c.grants, `TABLE ${name(r)}`, ` (${ident(c.name)})`)) : []),
    ]),
    ...snapshot.functions.map((f) => grantStatements(f.grants, `${f.kind === 'aggregate' ? 'FUNCTION' : f.kind.toUpperCase()} ${name(f)}(${f.arguments})`)),
  ];
  return groups.filter((g) => g.length).map((g) => g.join('\n'));
}

function comments(snapshot: SchemaSnapshot): string[] {
  const out: string[] = [];
  const add = (what: string, comment: string | null) => {
    if (comment !== null) out.push(`COMMENT ON ${what} IS ${literal(comment)};`);
  };
  snapshot.schemas.forEach((s) => add(`SCHEMA ${ident(s.name)}`, s.comment));
  snapshot.enums.forEach((e) => add(`TYPE ${name(e)}`, e.comment));
  snapshot.domains.forEach((d) => add(`DOMAIN ${name(d)}`, d.comment));
  snapshot.compositeTypes.forEach((c) => add(`TYPE ${name(c)}`, c.comment));
  snapshot.sequences.forEach((s) => add(`SEQUENCE ${name(s)}`, s.comment));
  snapshot.functions.forEach((f) => add(`${f.kind.toUpperCase()} ${name(f)}(${f.arguments})`, f.comment));
  for (const t of snapshot.tables) {
    add(`TABLE ${name(t)}`, t.comment);
    t.columns.forEach((c) => add(`COLUMN ${name(t)}.${ident(c.name)}`, c.comment));
    t.constraints.forEach((c) => add(`CONSTRAINT ${ident(c.name)} ON ${name(t)}`, c.comment));
    t.indexes.forEach((i) => add(`INDEX ${qualifiedIdent(t.schema, i.name)}`, i.comment));
    t.triggers.forEach((g) => add(`TRIGGER ${ident(g.name)} ON ${name(t)}`, g.comment));
    t.policies.forEach((p) => add(`POLICY ${ident(p.name)} ON ${name(t)}`, p.comment));
  }
  for (const v of snapshot.views) {
    add(`${v.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${name(v)}`, v.comment);
    v.columns.forEach((c) => add(`COLUMN ${name(v)}.${ident(c.name)}`, c.comment));
    v.indexes.forEach((i) => add(`INDEX ${qualifiedIdent(v.schema, i.name)}`, i.comment));
  }
  return out;
}
