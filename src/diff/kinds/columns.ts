import type { ColumnInfo, TableInfo } from '../../schema/model.js';
import { column as columnSql } from '../../schema/dump.js';
import { ident } from '../../schema/sql-names.js';
import { keyOf, nameOf, type PlanContext } from '../context.js';
import { dataCheck } from '../checks.js';
import { step, type Hazard } from '../step.js';
import { setNotNullOnline } from '../online.js';
import { typeChange } from '../type-change.js';

/** Columns of tables present on both sides (a new table's columns come with its CREATE TABLE). */
export function planColumns(ctx: PlanContext): void {
  for (const t of ctx.to.tables) {
    const old = ctx.fromTables.get(keyOf(t));
    if (!old) continue;
    const before = new Map(old.columns.map((c) => [c.name, c]));
    const after = new Map(t.columns.map((c) => [c.name, c]));
    // A partition's columns are its parent's: the parent's ALTER reaches them.
    const inherited = (side: 'from' | 'to', parent: string | undefined, column: string) =>
      !!parent && !!(side === 'from' ? ctx.fromTables : ctx.toTables).get(parent)?.columns.some((c) => c.name === column);
    for (const c of old.columns) {
      if (after.has(c.name) || inherited('from', old.partitionOf?.parent, c.name)) continue;
      ctx.droppedColumns.add(`${keyOf(t)}.${c.name}`);
      ctx.touchedRelations.add(keyOf(t));
      ctx.add('drop-column', step(`column ${keyOf(t)}.${c.name}`, `ALTER TABLE ${nameOf(t)} DROP COLUMN ${ident(c.name)};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK', 'DELETES_DATA']));
    }
    for (const c of t.columns) {
      if (inherited('to', t.partitionOf?.parent, c.name) && inherited('from', old.partitionOf?.parent, c.name) === !!before.get(c.name)) continue;
      const was = before.get(c.name);
      if (!was) addColumn(ctx, t, c);
      else alterColumn(ctx, t, was, c);
    }
  }
}

function addColumn(ctx: PlanContext, t: TableInfo, c: ColumnInfo): void {
  const object = `column ${keyOf(t)}.${c.name}`;
  const hazards: Hazard[] = ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK'];
  if (c.generated?.kind === 'stored') hazards.push('TABLE_REWRITE');
  if (c.notNull && c.default === null && !c.identity && !c.generated) {
    // Fails on a table with rows: say so before it runs.
    ctx.add('add-column', dataCheck(object, `select count(*) from ${nameOf(t)}`, `rows in ${nameOf(t)}: a NOT NULL column without a default needs an empty table`));
    hazards.push('DATA_DEPENDENT');
  }
  ctx.add('add-column', step(object, `ALTER TABLE ${nameOf(t)} ADD COLUMN ${columnSql(c)};`, hazards));
}

function alterColumn(ctx: PlanContext, t: TableInfo, a: ColumnInfo, b: ColumnInfo): void {
  const object = `column ${keyOf(t)}.${b.name}`;
  const prefix = `ALTER TABLE ${nameOf(t)} ALTER COLUMN ${ident(b.name)}`;
  const alter = (sql: string, hazards: Hazard[] = ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']) => ctx.add('alter-column', step(object, `${prefix} ${sql};`, hazards));
  if (JSON.stringify(a.generated) !== JSON.stringify(b.generated)) {
    ctx.cannot(object, `its generation expression changes (${a.generated?.expression ?? 'none'} → ${b.generated?.expression ?? 'none'}): write this migration by hand`);
    return;
  }
  if (a.identity !== b.identity) {
    if (!a.identity) alter(`ADD GENERATED ${b.identity!.toUpperCase()} AS IDENTITY`);
    else if (!b.identity) alter('DROP IDENTITY');
    else alter(`SET GENERATED ${b.identity.toUpperCase()}`);
  }
  const retyped = a.type !== b.type || a.collation !== b.collation;
  if (retyped) {
    ctx.touchedRelations.add(keyOf(t));
    if (a.default !== null) alter('DROP DEFAULT', []);
    const collate = b.collation ? ` COLLATE ${b.collation}` : '';
    alter(`TYPE ${b.type}${collate} USING ${ident(b.name)}::${b.type}`, typeChange(a.type, b.type));
    if (b.default !== null) alter(`SET DEFAULT ${b.default}`, []);
  } else if (a.default !== b.default) {
    alter(b.default === null ? 'DROP DEFAULT' : `SET DEFAULT ${b.default}`, []);
  }
  if (a.notNull && !b.notNull) alter('DROP NOT NULL');
  if (!a.notNull && b.notNull) {
    ctx.add('alter-column', dataCheck(object, `select count(*) from ${nameOf(t)} where ${ident(b.name)} is null`, `rows in ${nameOf(t)} where ${b.name} is NULL`));
    ctx.add('alter-column', ...setNotNullOnline(t, b.name, object));
  }
}
