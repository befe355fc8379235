import { byCodePoint } from './introspect.js';
import type { SchemaSnapshot } from './model.js';

/** Every kind of object a diff names, in the order diffs list them. */
export const OBJECT_KINDS = [
  'schema',
  'extension',
  'enum',
  'domain',
  'composite type',
  'sequence',
  'table',
  'column',
  'constraint',
  'index',
  'trigger',
  'policy',
  'view',
  'materialized view',
  'function',
  'procedure',
  'aggregate',
] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** One object as a diff sees it: a kind, a display name, and its properties (children apart). */
export interface SchemaObject {
  kind: ObjectKind;
  /** `public.users`, `public.users.email` (column), `users_pkey on public.users`, `public.f(integer)`. */
  name: string;
  /** The table or view it belongs to (`table public.users`), for children. */
  parent?: string;
  properties: Record<string, unknown>;
}

export interface FieldChange {
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface SchemaDiff {
  /** True when nothing differs. */
  equal: boolean;
  /** In `expected` (a) and not in `actual` (b). */
  missing: SchemaObject[];
  /** In `actual` (b) and not in `expected` (a). */
  extra: SchemaObject[];
  /** In both, with different properties. */
  changed: { kind: ObjectKind; name: string; changes: FieldChange[] }[];
}

/**
 * Compares two snapshots object by object. `expected` is the reference (say, what the migrations
 * build) and `actual` the one being checked (the live database); read them as before/after and
 * `missing` is what was dropped, `extra` what was added. A missing or extra table, view or type
 * is one entry: its columns, constraints, indexes, triggers and policies are not listed again.
 */
export function diffSchemas(expected: SchemaSnapshot, actual: SchemaSnapshot): SchemaDiff {
  const a = indexObjects(expected);
  const b = indexObjects(actual);
  const missing: SchemaObject[] = [];
  const extra: SchemaObject[] = [];
  const changed: SchemaDiff['changed'] = [];
  for (const [key, object] of a) {
    const other = b.get(key);
    if (!other) {
      if (!object.parent || b.has(object.parent)) missing.push(object);
      continue;
    }
    if (JSON.stringify(object.properties) === JSON.stringify(other.properties)) continue;
    const changes = fieldChanges(object.properties, other.properties);
    if (changes.length) changed.push({ kind: object.kind, name: object.name, changes });
  }
  for (const [key, object] of b) if (!a.has(key) && (!object.parent || a.has(object.parent))) extra.push(object);
  const order = (x: { kind: ObjectKind; name: string }, y: { kind: ObjectKind; name: string }) =>
    OBJECT_KINDS.indexOf(x.kind) - OBJECT_KINDS.indexOf(y.kind) || byCodePoint(x.name, y.name);
  missing.sort(order);
  extra.sort(order);
  changed.sort(order);
  return { equal: !missing.length && !extra.length && !changed.length, missing, extra, changed };
}

function fieldChanges(a: Record<string, unknown>, b: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[field]) !== JSON.stringify(b[field])) changes.push({ field, expected: a[field] ?? null, actual: b[field] ?? null });
  }
  return changes;
}

/** Every object of a snapshot by a key that identifies it across databases (`kind name`). */
export function indexObjects(snapshot: SchemaSnapshot): Map<string, SchemaObject> {
  const objects = new Map<string, SchemaObject>();
  const add = (kind: ObjectKind, name: string, properties: Record<string, unknown>, parent?: string) => {
    objects.set(`${kind} ${name}`, parent ? { kind, name, parent, properties } : { kind, name, properties });
  };
  for (const { name, ...rest } of snapshot.schemas) add('schema', name, rest);
  for (const { name, ...rest } of snapshot.extensions) add('extension', name, rest);
  for (const { schema, name, ...rest } of snapshot.enums) add('enum', `${schema}.${name}`, rest);
  for (const { schema, name, ...rest } of snapshot.domains) add('domain', `${schema}.${name}`, rest);
  for (const { schema, name, ...rest } of snapshot.compositeTypes) add('composite type', `${schema}.${name}`, rest);
  for (const { schema, name, ...rest } of snapshot.sequences) add('sequence', `${schema}.${name}`, rest);
  for (const { schema, name, columns, constraints, indexes, triggers, policies, ...rest } of snapshot.tables) {
    const table = `${schema}.${name}`;
    const parent = `table ${table}`;
    add('table', table, rest);
    for (const { name: column, ...c } of columns) add('column', `${table}.${column}`, c, parent);
    for (const { name: child, ...c } of constraints) add('constraint', `${child} on ${table}`, c, parent);
    for (const { name: child, ...c } of indexes) add('index', `${child} on ${table}`, c, parent);
    for (const { name: child, ...c } of triggers) add('trigger', `${child} on ${table}`, c, parent);
    for (const { name: child, ...c } of policies) add('policy', `${child} on ${table}`, c, parent);
  }
  for (const { schema, name, materialized, indexes, ...rest } of snapshot.views) {
    const kind = materialized ? 'materialized view' : 'view';
    const view = `${schema}.${name}`;
    add(kind, view, rest);
    for (const { name: child, ...c } of indexes) add('index', `${child} on ${view}`, c, `${kind} ${view}`);
  }
  for (const { schema, name, arguments: args, kind, ...rest } of snapshot.functions) add(kind, `${schema}.${name}(${args})`, rest);
  return objects;
}
