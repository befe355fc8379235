/**
 * What dbctl knows that squawk does not: which tables a migration makes and unmakes itself. A
 * table created earlier in the same section has no rows, no readers and no writers yet (in a
 * transaction nobody else can even see it), so an index, key or constraint added to it locks
 * nothing anyone waits for. An index dropped just before its table goes costs no more than the
 * DROP TABLE after it. squawk lints statement by statement (in a transaction it knows a few of
 * these cases, outside one none), so its findings about such tables are false positives here.
 * The tables each statement touches come from Postgres's own parse tree, not from the text.
 */
import type { Database } from '../driver/database.js';
import { quoteIdent } from '../sql/quote.js';
import type { Statement } from '../sql/statements.js';
import { statementAt, type LintUnit } from './units.js';

/** squawk's rules about locking or rewriting a table that has rows and users: moot on a table the section made. */
const MOOT_ON_NEW_TABLE = new Set([
  'adding-field-with-default',
  'adding-foreign-key-constraint',
  'adding-not-nullable-field',
  'adding-required-field',
  'adding-serial-primary-key-field',
  'changing-column-type',
  'constraint-missing-not-valid',
  'disallowed-unique-constraint',
  'require-concurrent-index-creation',
  'require-concurrent-index-deletion',
  'require-concurrent-reindex',
  // No client can have used a table that did not exist before this section.
  'ban-drop-column',
  'ban-drop-not-null',
  'renaming-column',
  'renaming-table',
]);

/**
 * Moot when the table is dropped later in the same section. Only the index drop: its lock is as
 * brief as the DROP TABLE's that follows. An index build or a rewrite before the drop still holds
 * its lock for as long as it runs, so those stay reported.
 */
const MOOT_BEFORE_DROP = new Set(['require-concurrent-index-deletion']);

interface Rel {
  schema?: string;
  name: string;
}

/** What a statement does to tables, by name: creates, works on (the subject of a finding), drops. */
interface Touches {
  creates: Rel[];
  on: Rel[];
  /** Indexes the statement works on: their table is looked up (see indexTables). */
  onIndexes: Rel[];
  drops: Rel[];
  /** An index it creates, and on which table. */
  index?: { index: Rel; table: Rel };
  renamed?: { from: Rel; to: Rel };
}

export function touches(statement: Statement): Touches {
  const n = statement.node;
  const t: Touches = { creates: [], on: [], onIndexes: [], drops: [] };
  switch (statement.kind) {
    case 'CreateStmt':
      t.creates.push(rel(n.relation));
      break;
    case 'CreateTableAsStmt':
      if (n.objtype === 'OBJECT_TABLE' || n.objtype === 'OBJECT_MATVIEW') t.creates.push(rel(n.into?.rel));
      break;
    case 'IndexStmt':
      t.on.push(rel(n.relation));
      if (n.idxname) t.index = { index: { schema: n.relation?.schemaname, name: n.idxname }, table: rel(n.relation) };
      break;
    case 'AlterTableStmt':
      if (n.objtype === 'OBJECT_INDEX') t.onIndexes.push(rel(n.relation));
      else t.on.push(rel(n.relation));
      break;
    case 'RenameStmt':
      if (n.renameType === 'OBJECT_INDEX') t.onIndexes.push(rel(n.relation));
      else if (n.relation) t.on.push(rel(n.relation));
      if (n.renameType === 'OBJECT_TABLE' && n.relation) t.renamed = { from: rel(n.relation), to: { schema: n.relation.schemaname, name: n.newname } };
      break;
    case 'ReindexStmt':
      if (n.kind === 'REINDEX_OBJECT_INDEX') t.onIndexes.push(rel(n.relation));
      else if (n.relation) t.on.push(rel(n.relation));
      break;
    case 'DropStmt': {
      const names: Rel[] = (n.objects ?? []).map((o: any) => qualified((o.List?.items ?? []).map((s: any) => s.String?.sval as string)));
      if (n.removeType === 'OBJECT_TABLE') t.drops.push(...names);
      if (n.removeType === 'OBJECT_INDEX') t.onIndexes.push(...names);
      break;
    }
  }
  return t;
}

/**
 * The table of every index a unit works on by name: from the CREATE INDEX statements of the
 * migrations being linted (a down usually drops what its own up made, which is not on the target
 * yet), then from the live database for the rest.
 */
export async function indexTables(database: Database, units: LintUnit[]): Promise<Map<string, Rel>> {
  const tables = new Map<string, Rel>();
  const wanted = new Set<string>();
  for (const unit of units) {
    for (const statement of unit.parsed ?? []) {
      const t = touches(statement);
      if (t.index) tables.set(key(t.index.index), t.index.table);
      for (const index of t.onIndexes) wanted.add(key(index));
    }
  }
  const missing = [...wanted].filter((k) => !tables.has(k));
  if (!missing.length) return tables;
  const { rows } = await database.query<{ key: string; schema: string; name: string }>(
    `select k.key, n.nspname as schema, t.relname as name
       from unnest($1::text[]) as k(key)
       join pg_index i on i.indexrelid = to_regclass(k.key)
       join pg_class t on t.oid = i.indrelid
       join pg_namespace n on n.oid = t.relnamespace`,
    [missing],
  );
  for (const row of rows) tables.set(row.key, { schema: row.schema, name: row.name });
  return tables;
}

/**
 * A predicate over one unit's squawk findings: true when the finding's statement works on a table
 * the unit created before it (or drops after it, for an index drop), so the finding is moot.
 */
export function mootInUnit(unit: LintUnit, indexes: Map<string, Rel>): (rule: string, line: number, col: number) => boolean {
  const statements = unit.parsed ?? [];
  if (!statements.some((s) => s.kind === 'CreateStmt' || s.kind === 'CreateTableAsStmt' || s.kind === 'DropStmt')) return () => false;
  const all = statements.map(touches);
  // By name: where each table is created (or renamed to) and dropped, as statement indexes.
  const created = new Map<string, (Rel & { at: number })[]>();
  const dropped = new Map<string, (Rel & { at: number })[]>();
  const note = (map: typeof created, r: Rel, at: number) => map.set(r.name, [...(map.get(r.name) ?? []), { ...r, at }]);
  all.forEach((t, at) => {
    for (const r of t.creates) note(created, r, at);
    if (t.renamed && (created.get(t.renamed.from.name) ?? []).some((c) => c.at < at && same(c, t.renamed!.from))) note(created, t.renamed.to, at);
    for (const r of t.drops) note(dropped, r, at);
  });
  const tablesOf = (t: Touches) => [...t.on, ...t.onIndexes.map((i) => indexes.get(key(i))).filter((r): r is Rel => !!r)];
  return (rule, line, col) => {
    if (!MOOT_ON_NEW_TABLE.has(rule) && !MOOT_BEFORE_DROP.has(rule)) return false;
    const k = statementAt(unit, line, col);
    if (k < 0) return false;
    const tables = tablesOf(all[k]);
    if (!tables.length) return false;
    if (MOOT_ON_NEW_TABLE.has(rule) && tables.every((table) => (created.get(table.name) ?? []).some((c) => c.at < k && same(c, table)))) return true;
    return MOOT_BEFORE_DROP.has(rule) && tables.every((table) => (dropped.get(table.name) ?? []).some((d) => d.at > k && same(d, table)));
  };
}

function rel(r: any): Rel {
  return { schema: r?.schemaname, name: r?.relname };
}

function qualified(parts: string[]): Rel {
  return parts.length > 1 ? { schema: parts[parts.length - 2], name: parts[parts.length - 1] } : { name: parts[0] };
}

/** The name as to_regclass reads it. */
function key(r: Rel): string {
  return `${r.schema ? `${quoteIdent(r.schema)}.` : ''}${quoteIdent(r.name)}`;
}

/**
 * The same table, as far as the text says: an unqualified name matches a qualified one of the same
 * name (the section runs with one search_path, where an unqualified name almost always means the
 * table the same section just made).
 */
function same(a: Rel, b: Rel): boolean {
  return a.name === b.name && (!a.schema || !b.schema || a.schema === b.schema);
}
