import fs from 'node:fs';
import { UsageError } from '../errors.js';
import type { SchemaSnapshot, TableInfo } from '../schema/model.js';
import { ident, qualifiedIdent } from '../schema/sql-names.js';
import { step, type Step } from './step.js';

/** A declared rename. Names are `schema.name` (tables, indexes) or bare (columns, in `table`, the new table name). */
export type Rename =
  | { kind: 'table'; from: string; to: string }
  | { kind: 'column'; table: string; from: string; to: string }
  | { kind: 'index'; from: string; to: string };

/** `--hints FILE.json`: renames, and drops that are meant (which settle an ambiguous drop + add). */
export interface Hints {
  renames: Rename[];
  drops: { kind: 'table' | 'column'; name: string }[];
}

const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s.toLowerCase());
const IDENT = String.raw`(?:"(?:[^"]|"")+"|[\w$]+)`;
const splitName = (s: string) => [...s.matchAll(new RegExp(IDENT, 'g'))].map((m) => unquote(m[0]));
const qualify = (name: string, schema = 'public') => {
  const parts = splitName(name);
  return parts.length > 1 ? parts.join('.') : `${schema}.${parts[0]}`;
};

/**
 * `-- dbctl:renamed-from old_name` in the schema's SQL: on its own line before (or at the end of)
 * a CREATE TABLE, a column line inside one, or a CREATE INDEX.
 */
export function renamesInSql(sql: string): Rename[] {
  const out: Rename[] = [];
  const lines = sql.split('\n');
  let table: string | undefined;
  lines.forEach((line, i) => {
    const created = new RegExp(String.raw`^\s*CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(${IDENT}(?:\.${IDENT})?)`, 'i').exec(line);
    if (created) table = qualify(created[1]);
    const hint = /--\s*dbctl:renamed-from\s+(\S+)/.exec(line);
    if (!hint) return;
    let subject = line.slice(0, hint.index).trim();
    if (!subject) subject = lines.slice(i + 1).find((l) => l.trim() && !l.trim().startsWith('--'))?.trim() ?? '';
    const newTable = new RegExp(String.raw`^CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(${IDENT}(?:\.${IDENT})?)`, 'i').exec(subject);
    const index = new RegExp(String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(${IDENT})\s+ON\s+(?:ONLY\s+)?(${IDENT}(?:\.${IDENT})?)`, 'i').exec(subject);
    if (newTable) {
      const to = qualify(newTable[1]);
      out.push({ kind: 'table', from: qualify(hint[1], to.split('.')[0]), to });
    } else if (index) {
      const schema = qualify(index[2]).split('.')[0];
      out.push({ kind: 'index', from: qualify(hint[1], schema), to: `${schema}.${unquote(index[1])}` });
    } else if (table) {
      const column = new RegExp(`^(${IDENT})\\s`).exec(subject);
      if (column) out.push({ kind: 'column', table, from: unquote(hint[1]), to: unquote(column[1]) });
    }
  });
  return out;
}

export function readHints(file: string): Hints {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--hints ${file}: ${(error as Error).message}`, {}, 'hints_invalid');
  }
  const hints = raw as Partial<Hints>;
  const ok = typeof hints === 'object' && hints !== null && (hints.renames ?? []).every((r) => ['table', 'column', 'index'].includes(r?.kind) && typeof r.from === 'string' && typeof r.to === 'string' && (r.kind !== 'column' || typeof r.table === 'string'));
  if (!ok) {
    throw new UsageError(`--hints ${file}: expected {"renames": [{"kind": "table"|"column"|"index", "from", "to", "table" (columns)}], "drops": [{"kind", "name"}]}`, {}, 'hints_invalid');
  }
  return { renames: (hints.renames ?? []).map((r) => (r.kind === 'column' ? { ...r, table: qualify(r.table) } : { ...r, from: qualify(r.from), to: qualify(r.to) })) as Rename[], drops: hints.drops ?? [] };
}

/** The renames the other way round (for the down plan). */
export function invert(renames: Rename[]): Rename[] {
  const tables = new Map(renames.filter((r) => r.kind === 'table').map((r) => [r.to, r.from]));
  return renames.map((r) => (r.kind === 'column' ? { ...r, table: tables.get(r.table) ?? r.table, from: r.to, to: r.from } : { ...r, from: r.to, to: r.from })).reverse();
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Replaces an identifier (bare or quoted as Postgres prints it) where it stands alone. */
function replaceIdent(text: string, from: string, to: string): string {
  return text.replace(new RegExp(`(?<![\\w$".])${escape(ident(from))}(?![\\w$"])`, 'g'), ident(to));
}
const replaceQualified = (text: string, from: string, to: string) => {
  const [fs_, fn] = from.split('.');
  const [ts, tn] = to.split('.');
  return text.replace(new RegExp(`(?<![\\w$"])${escape(qualifiedIdent(fs_, fn))}(?![\\w$"])`, 'g'), qualifiedIdent(ts, tn));
};

/**
 * Applies declared renames to the starting snapshot: the rename steps come first, and the rest of
 * the plan compares the renamed snapshot with the desired one. A rename whose old name is not
 * there (already applied: the comment stays in the schema) is skipped.
 */
export function applyRenames(from: SchemaSnapshot, renames: Rename[]): { snapshot: SchemaSnapshot; steps: Step[] } {
  let snapshot: SchemaSnapshot = structuredClone(from);
  const steps: Step[] = [];
  for (const r of renames) {
    if (r.kind === 'table') {
      const t = snapshot.tables.find((x) => `${x.schema}.${x.name}` === r.from);
      if (!t || snapshot.tables.some((x) => `${x.schema}.${x.name}` === r.to)) continue;
      steps.push(step(`table ${r.from}`, `ALTER TABLE ${qualifiedIdent(t.schema, t.name)} RENAME TO ${ident(r.to.split('.')[1])};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK', 'CORRECTNESS']));
      snapshot = rewrite(snapshot, (s) => replaceQualified(s, r.from, r.to));
      t.name = r.to.split('.')[1];
      for (const x of snapshot.tables) for (const c of x.constraints) if (c.references && `${c.references.schema}.${c.references.table}` === r.from) c.references.table = t.name;
    } else if (r.kind === 'column') {
      const t = snapshot.tables.find((x) => `${x.schema}.${x.name}` === r.table);
      const c = t?.columns.find((x) => x.name === r.from);
      if (!t || !c || t.columns.some((x) => x.name === r.to)) continue;
      steps.push(step(`column ${r.table}.${r.from}`, `ALTER TABLE ${qualifiedIdent(t.schema, t.name)} RENAME COLUMN ${ident(r.from)} TO ${ident(r.to)};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK', 'CORRECTNESS']));
      renameColumn(snapshot, t, r.from, r.to);
    } else {
      const [schema, oldName] = r.from.split('.');
      const owner = [...snapshot.tables, ...snapshot.views].find((x) => x.schema === schema && x.indexes.some((i) => i.name === oldName));
      const index = owner?.indexes.find((i) => i.name === oldName);
      if (!owner || !index || owner.indexes.some((i) => i.name === r.to.split('.')[1])) continue;
      const newName = r.to.split('.')[1];
      steps.push(step(`index ${oldName} on ${schema}.${owner.name}`, `ALTER INDEX ${qualifiedIdent(schema, oldName)} RENAME TO ${ident(newName)};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']));
      index.definition = index.definition.replace(`INDEX ${ident(oldName)} ON`, `INDEX ${ident(newName)} ON`);
      index.name = newName;
    }
  }
  return { snapshot, steps };
}

/** Every definition in the snapshot passed through `fn` (the names the catalog prints in them). */
function rewrite(s: SchemaSnapshot, fn: (text: string) => string): SchemaSnapshot {
  for (const t of s.tables) {
    for (const c of t.constraints) c.definition = fn(c.definition);
    for (const i of t.indexes) i.definition = fn(i.definition);
    for (const g of t.triggers) g.definition = fn(g.definition);
    if (t.partitionOf) t.partitionOf.parent = fn(t.partitionOf.parent);
  }
  for (const v of s.views) {
    v.dependsOn = v.dependsOn.map(fn);
    for (const i of v.indexes) i.definition = fn(i.definition);
  }
  for (const q of s.sequences) if (q.ownedBy) q.ownedBy = fn(q.ownedBy.split('.').slice(0, 2).join('.')) + '.' + q.ownedBy.split('.')[2];
  return s;
}

function renameColumn(s: SchemaSnapshot, t: TableInfo, from: string, to: string): void {
  const table = `${t.schema}.${t.name}`;
  const local = (text: string) => replaceIdent(text, from, to);
  t.columns.find((c) => c.name === from)!.name = to;
  for (const c of t.columns) if (c.generated) c.generated.expression = local(c.generated.expression);
  for (const c of t.constraints) {
    c.columns = c.columns.map((x) => (x === from ? to : x));
    const [own, ref = ''] = c.definition.split(' REFERENCES ');
    c.definition = local(own) + (c.definition.includes(' REFERENCES ') ? ` REFERENCES ${ref}` : '');
  }
  for (const i of t.indexes) i.definition = i.definition.replace(/ USING (.*)$/, (m) => local(m));
  for (const g of t.triggers) g.definition = local(g.definition);
  for (const p of t.policies) {
    if (p.using) p.using = local(p.using);
    if (p.withCheck) p.withCheck = local(p.withCheck);
  }
  for (const x of s.tables) {
    for (const c of x.constraints) {
      if (!c.references || `${c.references.schema}.${c.references.table}` !== table) continue;
      c.references.columns = c.references.columns.map((col) => (col === from ? to : col));
      c.definition = c.definition.replace(/ REFERENCES (.*)$/, (m) => local(m));
    }
  }
  for (const q of s.sequences) if (q.ownedBy === `${table}.${from}`) q.ownedBy = `${table}.${to}`;
}
