import type { Statement } from '../sql/statements.js';

/**
 * The objects a migration's statements write (create, alter, drop, rename) and read (a table a
 * view selects from, a column an index or a view names, a type a column or a cast uses, a function
 * a default calls), read from Postgres's own parse tree. Two migrations conflict on an object one
 * writes and the other writes or reads (`migrate check`). Names are schema-qualified (`public`
 * when unqualified): `table public.users`, `column public.users.email`, `index public.users_email`,
 * `type public.mood`, `function public.touch`, `policy public.users.own_rows`.
 */
export interface Touched {
  writes: Set<string>;
  reads: Set<string>;
}

type Node = Record<string, any>;

const names = (list: Node[] | undefined): string[] => (list ?? []).map((n) => n?.String?.sval).filter((s): s is string => typeof s === 'string');
const qualified = (parts: string[]) => (parts.length > 1 ? parts.slice(-2).join('.') : `public.${parts[0]}`);
const relation = (r: Node | undefined) => (r ? `${r.schemaname ?? 'public'}.${r.relname}` : undefined);

export function touchedObjects(statements: Statement[]): Touched {
  const touched: Touched = { writes: new Set(), reads: new Set() };
  for (const s of statements) statementObjects({ [s.kind]: s.node }, touched);
  return touched;
}

function statementObjects(stmt: Node, touched: Touched): void {
  const [kind] = Object.keys(stmt);
  const node = stmt[kind] ?? {};
  const write = (what: string) => touched.writes.add(what);
  const tables: string[] = [];
  const columns: string[] = [];
  walk(node, (key, value) => {
    if (key === 'RangeVar') tables.push(relation(value)!);
    else if (key === 'ColumnRef') {
      const parts = names(value.fields);
      if (parts.length) columns.push(parts[parts.length - 1]);
    } else if (key === 'TypeName') {
      const parts = names(value.names);
      if (parts.length && parts[0] !== 'pg_catalog') touched.reads.add(`type ${qualified(parts)}`);
    } else if (key === 'FuncCall') {
      const parts = names(value.funcname);
      if (parts.length && parts[0] !== 'pg_catalog') touched.reads.add(`function ${qualified(parts)}`);
    }
  });
  const own = relation(node.relation) ?? relation(node.view) ?? relation(node.table);
  switch (kind) {
    case 'CreateStmt':
      write(`table ${own}`);
      for (const e of node.tableElts ?? []) if (e.ColumnDef) write(`column ${own}.${e.ColumnDef.colname}`);
      break;
    case 'ViewStmt':
    case 'CreateTableAsStmt':
      write(`table ${own ?? relation(node.into?.rel)}`);
      break;
    case 'AlterTableStmt':
      for (const c of node.cmds ?? []) {
        const cmd = c.AlterTableCmd ?? {};
        const column = cmd.def?.ColumnDef?.colname ?? (String(cmd.subtype).includes('Column') || /NotNull|Default|Identity|Statistics|Storage|Compression/.test(String(cmd.subtype)) ? cmd.name : undefined);
        if (column) write(`column ${own}.${column}`);
        else if (cmd.def?.Constraint?.conname) write(`constraint ${own}.${cmd.def.Constraint.conname}`);
        else if (cmd.name) write(`constraint ${own}.${cmd.name}`);
      }
      break;
    case 'RenameStmt':
      if (node.renameType === 'OBJECT_COLUMN') for (const c of [node.subname, node.newname]) write(`column ${own}.${c}`);
      else if (['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW'].includes(node.renameType)) write(`table ${own}`), write(`table ${own?.split('.')[0]}.${node.newname}`);
      else if (node.renameType === 'OBJECT_TYPE') write(`type ${qualified(names(node.object?.List?.items))}`);
      break;
    case 'IndexStmt':
      write(`index ${own?.split('.')[0]}.${node.idxname}`);
      for (const p of node.indexParams ?? []) if (p.IndexElem?.name) columns.push(p.IndexElem.name);
      break;
    case 'CreateEnumStmt':
    case 'AlterEnumStmt':
    case 'CreateDomainStmt':
      write(`type ${qualified(names(node.typeName ?? node.domainname))}`);
      break;
    case 'CompositeTypeStmt':
      write(`type ${relation(node.typevar)}`);
      break;
    case 'CreateFunctionStmt':
      write(`function ${qualified(names(node.funcname))}`);
      break;
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      write(`policy ${own}.${node.policy_name}`);
      break;
    case 'CreateTrigStmt':
      write(`trigger ${own}.${node.trigname}`);
      break;
    case 'DropStmt':
      for (const o of node.objects ?? []) dropped(node.removeType, o, write);
      break;
  }
  // A column named where tables are named is read on each of them (a view over a join names its columns unqualified).
  for (const t of tables) {
    touched.reads.add(`table ${t}`);
    for (const c of columns) touched.reads.add(`column ${t}.${c}`);
  }
}

function dropped(type: string, object: Node, write: (what: string) => void): void {
  const parts = names(object.List?.items ?? object.TypeName?.names ?? object.ObjectWithArgs?.objname ?? [object]);
  if (!parts.length) return;
  if (['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE'].includes(type)) write(`table ${qualified(parts)}`);
  else if (type === 'OBJECT_INDEX') write(`index ${qualified(parts)}`);
  else if (type === 'OBJECT_TYPE' || type === 'OBJECT_DOMAIN') write(`type ${qualified(object.TypeName ? names(object.TypeName.names) : parts)}`);
  else if (type === 'OBJECT_FUNCTION' || type === 'OBJECT_PROCEDURE') write(`function ${qualified(parts)}`);
  else if (type === 'OBJECT_POLICY' || type === 'OBJECT_TRIGGER') write(`${type === 'OBJECT_POLICY' ? 'policy' : 'trigger'} ${parts.length > 2 ? parts.join('.') : `public.${parts.join('.')}`}`);
}

function walk(value: unknown, visit: (key: string, value: Node) => void): void {
  if (Array.isArray(value)) for (const v of value) walk(v, visit);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (v && typeof v === 'object' && !Array.isArray(v) && /^[A-Z]/.test(key)) visit(key, v as Node);
      // A column's or a cast's type is a TypeName held under `typeName`, not wrapped in its node name.
      else if (key === 'typeName' && v && !Array.isArray(v) && Array.isArray((v as Node).names)) visit('TypeName', v as Node);
      walk(v, visit);
    }
  }
}

/** What two migrations both touch where at least one writes it. */
export function sharedObjects(a: Touched, b: Touched): string[] {
  const out = new Set<string>();
  for (const w of a.writes) if (b.writes.has(w) || b.reads.has(w)) out.add(w);
  for (const w of b.writes) if (a.reads.has(w)) out.add(w);
  return [...out].sort();
}
