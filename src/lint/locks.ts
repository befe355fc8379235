/**
 * Which statements take ACCESS EXCLUSIVE on an existing table, and what they do while holding it,
 * read from Postgres's own parse tree (libpg-query, the parser `migrate up` already uses). The
 * lock levels are the ones Postgres's documentation gives per command (ALTER TABLE: "ACCESS
 * EXCLUSIVE unless explicitly noted"); the sizes that make them matter come from large-tables.ts.
 */
import type { Statement } from '../sql/statements.js';

/** A relation as the statement names it; `index` when it names an index and the lock falls on its table. */
export interface RelationName {
  schema?: string;
  name: string;
  index?: boolean;
}

/**
 * What the statement does under ACCESS EXCLUSIVE: `rewrite` copies the whole table, `scan` reads it
 * all (a constraint check, an index build), `catalog` only changes the catalog (brief once granted,
 * but it queues behind every running query on the table, and everything queues behind it).
 */
export type Work = 'rewrite' | 'scan' | 'catalog';

export interface LockHazard {
  relation: RelationName;
  work: Work;
  /** The action, for the message: `ALTER COLUMN email TYPE`, `SET NOT NULL on email`, … */
  action: string;
  help: string;
  /**
   * Function names in a new column's default: the column rewrites the table only if one of them
   * is volatile, which the live database says (see large-tables.ts). Empty for other hazards.
   */
  volatileIf?: string[];
}

export const CATALOG_HELP = 'brief once granted, but it waits behind running queries on the table and blocks everything queued after it (dbctl bounds the wait with lock_timeout)';

/** ALTER TABLE subcommands that take a lock weaker than ACCESS EXCLUSIVE. */
const WEAKER = new Set([
  'AT_ValidateConstraint', 'AT_SetStatistics', 'AT_SetOptions', 'AT_ResetOptions', 'AT_SetRelOptions', 'AT_ResetRelOptions',
  'AT_ClusterOn', 'AT_DropCluster', 'AT_AttachPartition', 'AT_DetachPartitionFinalize',
  'AT_EnableTrig', 'AT_EnableAlwaysTrig', 'AT_EnableReplicaTrig', 'AT_DisableTrig', 'AT_EnableTrigAll', 'AT_DisableTrigAll', 'AT_EnableTrigUser', 'AT_DisableTrigUser',
]);

const REWRITES: Record<string, [string, string]> = {
  AT_SetLogged: ['SET LOGGED', 'it copies the table into the WAL; do it in a maintenance window'],
  AT_SetUnLogged: ['SET UNLOGGED', 'it rewrites the table; do it in a maintenance window'],
  AT_SetTableSpace: ['SET TABLESPACE', 'it copies the table; pg_repack can move it online'],
  AT_SetAccessMethod: ['SET ACCESS METHOD', 'it rewrites the table; do it in a maintenance window'],
};

export function lockHazards(statement: Statement): LockHazard[] {
  const n = statement.node;
  switch (statement.kind) {
    case 'AlterTableStmt':
      return n.objtype === 'OBJECT_TABLE' || n.objtype === undefined ? alterTable(n) : [];
    case 'RenameStmt':
      if (!n.relation || !['OBJECT_TABLE', 'OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT', 'OBJECT_MATVIEW'].includes(n.renameType)) return [];
      if (n.renameType === 'OBJECT_COLUMN' && n.relationType !== 'OBJECT_TABLE') return [];
      return [{ relation: rangeVar(n.relation), work: 'catalog', action: `RENAME ${n.subname ? `${n.renameType === 'OBJECT_COLUMN' ? 'COLUMN' : 'CONSTRAINT'} ${n.subname} ` : ''}TO ${n.newname}`, help: CATALOG_HELP }];
    case 'TruncateStmt':
      return (n.relations ?? []).map((r: any) => ({ relation: rangeVar(r.RangeVar), work: 'catalog' as const, action: 'TRUNCATE (its rows are deleted)', help: 'make sure the rows are meant to go' }));
    case 'DropStmt':
      return dropStmt(n);
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      return [{ relation: rangeVar(n.table), work: 'catalog', action: statement.kind === 'CreatePolicyStmt' ? 'CREATE POLICY' : 'ALTER POLICY', help: CATALOG_HELP }];
    case 'RuleStmt':
      return [{ relation: rangeVar(n.relation), work: 'catalog', action: 'CREATE RULE', help: CATALOG_HELP }];
    case 'LockStmt':
      // mode 8 = AccessExclusiveLock, which is also LOCK TABLE's default.
      return n.mode === 8 || n.mode === undefined
        ? (n.relations ?? []).map((r: any) => ({ relation: rangeVar(r.RangeVar), work: 'catalog' as const, action: 'LOCK TABLE (held until the migration commits)', help: 'everything else the migration does then runs while reads and writes wait' }))
        : [];
    case 'RefreshMatViewStmt':
      return n.concurrent ? [] : [{ relation: rangeVar(n.relation), work: 'rewrite', action: 'REFRESH MATERIALIZED VIEW', help: 'REFRESH MATERIALIZED VIEW CONCURRENTLY (it needs a unique index) keeps the view readable' }];
    case 'VacuumStmt': {
      const full = (n.options ?? []).some((o: any) => o.DefElem?.defname === 'full' && o.DefElem?.arg?.Boolean?.boolval !== false);
      return full ? (n.rels ?? []).map((r: any) => ({ relation: rangeVar(r.VacuumRelation.relation), work: 'rewrite' as const, action: 'VACUUM FULL', help: 'pg_repack reclaims the space online' })) : [];
    }
    case 'ClusterStmt':
      return n.relation ? [{ relation: rangeVar(n.relation), work: 'rewrite', action: 'CLUSTER', help: 'pg_repack --order-by reorders the table online' }] : [];
    default:
      return [];
  }
}

function alterTable(n: any): LockHazard[] {
  const relation = rangeVar(n.relation);
  const hazards: LockHazard[] = [];
  let catalog: string[] = [];
  for (const { AlterTableCmd: cmd } of n.cmds ?? []) {
    if (!cmd || WEAKER.has(cmd.subtype)) continue;
    const constraint = cmd.def?.Constraint;
    if (cmd.subtype === 'AT_AddConstraint' && constraint?.contype === 'CONSTR_FOREIGN') continue; // SHARE ROW EXCLUSIVE
    if (cmd.subtype === 'AT_DetachPartition' && cmd.def?.PartitionCmd?.concurrent) continue;
    const hazard = alterCommand(cmd, constraint);
    if (hazard) hazards.push({ relation, ...hazard });
    else catalog.push(catalogAction(cmd));
  }
  // The lock is taken once for the whole statement: report the heaviest work, or one catalog change.
  if (hazards.length) return hazards;
  catalog = [...new Set(catalog)];
  return catalog.length ? [{ relation, work: 'catalog', action: catalog.join(', '), help: CATALOG_HELP }] : [];
}

/** `AT_AddColumn` on `note` → `ADD COLUMN note`. */
function catalogAction(cmd: any): string {
  if (cmd.subtype === 'AT_ColumnDefault') return `ALTER COLUMN ${cmd.name} ${cmd.def ? 'SET' : 'DROP'} DEFAULT`;
  if (cmd.subtype === 'AT_DropNotNull') return `ALTER COLUMN ${cmd.name} DROP NOT NULL`;
  const words = cmd.subtype.replace(/^AT_/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
  const name = cmd.def?.ColumnDef?.colname ?? cmd.def?.Constraint?.conname ?? cmd.name;
  return name ? `${words} ${name}` : words;
}

function alterCommand(cmd: any, constraint: any): Omit<LockHazard, 'relation'> | null {
  const column = cmd.name ? ` ${cmd.name}` : '';
  switch (cmd.subtype) {
    case 'AT_AlterColumnType':
      return { work: 'rewrite', action: `ALTER COLUMN${column} TYPE`, help: 'unless the new type is binary-compatible (varchar(n) → text, a longer varchar), the table is rewritten: add a new column, backfill it in batches, then switch' };
    case 'AT_SetNotNull':
      return { work: 'scan', action: `ALTER COLUMN${column} SET NOT NULL`, help: `add CHECK (${cmd.name ?? 'col'} IS NOT NULL) NOT VALID, VALIDATE it in a later migration, then SET NOT NULL (Postgres 12+ then skips the scan)` };
    case 'AT_AddConstraint':
      return addConstraint(constraint);
    case 'AT_AddColumn':
      return addColumn(cmd.def?.ColumnDef);
    default: {
      const rewrite = REWRITES[cmd.subtype];
      return rewrite ? { work: 'rewrite', action: rewrite[0], help: rewrite[1] } : null;
    }
  }
}

function addConstraint(c: any): Omit<LockHazard, 'relation'> | null {
  if (!c) return null;
  const name = c.conname ? ` ${c.conname}` : '';
  if (c.contype === 'CONSTR_CHECK' && !c.skip_validation) {
    return { work: 'scan', action: `ADD CONSTRAINT${name} CHECK`, help: 'add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (that takes only SHARE UPDATE EXCLUSIVE)' };
  }
  if ((c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') && !c.indexname) {
    return { work: 'scan', action: `ADD CONSTRAINT${name} ${c.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE'} (builds its index)`, help: 'CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … USING INDEX' };
  }
  if (c.contype === 'CONSTR_EXCLUSION') return { work: 'scan', action: `ADD CONSTRAINT${name} EXCLUDE (builds its index)`, help: 'no online way: do it in a maintenance window' };
  return null;
}

function addColumn(def: any): Omit<LockHazard, 'relation'> | null {
  if (!def) return null;
  const action = `ADD COLUMN ${def.colname}`;
  const type = (def.typeName?.names ?? []).map((s: any) => s.String?.sval).pop() ?? '';
  if (/^(small|big)?serial[248]?$/.test(type)) return { work: 'rewrite', action: `${action} ${type} (fills every row from a sequence)`, help: 'add a nullable bigint column, set its default to nextval(), backfill in batches' };
  const functions: string[] = [];
  for (const { Constraint: k } of def.constraints ?? []) {
    if (!k) continue;
    if (k.contype === 'CONSTR_IDENTITY') return { work: 'rewrite', action: `${action} GENERATED AS IDENTITY (fills every row)`, help: 'add a nullable column, backfill it in batches, then ADD GENERATED … AS IDENTITY' };
    if (k.contype === 'CONSTR_GENERATED' && k.generated_kind !== 'v') return { work: 'rewrite', action: `${action} GENERATED … STORED (computes every row)`, help: 'a virtual generated column (Postgres 18) or a trigger-maintained column backfilled in batches avoids the rewrite' };
    if (k.contype === 'CONSTR_CHECK' && !k.skip_validation) return { work: 'scan', action: `${action} with a CHECK`, help: 'add the column, then the CHECK as NOT VALID, and VALIDATE it later' };
    if (k.contype === 'CONSTR_PRIMARY' || k.contype === 'CONSTR_UNIQUE') return { work: 'scan', action: `${action} with a ${k.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE'} index`, help: 'add the column, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX' };
    if (k.contype === 'CONSTR_DEFAULT') collectFunctions(k.raw_expr, functions);
  }
  if (functions.length) {
    return { work: 'rewrite', action: `${action} with a volatile default (fills every row)`, help: 'add the column without a default, SET DEFAULT for new rows, then backfill old rows in batches', volatileIf: functions };
  }
  return null;
}

/** Every function name called in an expression (any depth). */
function collectFunctions(node: unknown, out: string[]): void {
  if (Array.isArray(node)) return node.forEach((x) => collectFunctions(x, out));
  if (!node || typeof node !== 'object') return;
  const call = (node as any).FuncCall;
  if (call) out.push((call.funcname ?? []).map((s: any) => s.String?.sval).pop());
  for (const value of Object.values(node)) collectFunctions(value, out);
}

function rangeVar(r: any): RelationName {
  return { schema: r?.schemaname, name: r?.relname };
}

function dropStmt(n: any): LockHazard[] {
  const names = (n.objects ?? []).map((o: any) => (o.List?.items ?? []).map((s: any) => s.String?.sval as string));
  const qualified = (parts: string[]): RelationName => (parts.length > 1 ? { schema: parts[parts.length - 2], name: parts[parts.length - 1] } : { name: parts[0] });
  switch (n.removeType) {
    case 'OBJECT_TABLE':
      return names.map((parts: string[]) => ({ relation: qualified(parts), work: 'catalog' as const, action: 'DROP TABLE (its rows go with it)', help: 'make sure the rows are meant to go' }));
    case 'OBJECT_INDEX':
      return n.concurrent ? [] : names.map((parts: string[]) => ({ relation: { ...qualified(parts), index: true }, work: 'catalog' as const, action: `DROP INDEX ${parts[parts.length - 1]}`, help: 'DROP INDEX CONCURRENTLY (in a transaction:false migration) leaves the table usable' }));
    case 'OBJECT_TRIGGER':
    case 'OBJECT_POLICY':
    case 'OBJECT_RULE':
      // objects are [schema?, table, name]: the lock falls on the table.
      return names.map((parts: string[]) => ({ relation: qualified(parts.slice(0, -1)), work: 'catalog' as const, action: `DROP ${n.removeType.slice(7)} ${parts[parts.length - 1]}`, help: CATALOG_HELP }));
    default:
      return [];
  }
}
