import type { ConstraintInfo, TableInfo } from '../../schema/model.js';
import { isLate } from '../../schema/dump.js';
import { ident, qualifiedIdent } from '../../schema/sql-names.js';
import { dataCheck } from '../checks.js';
import { keyOf, nameOf, type PlanContext } from '../context.js';
import { addConstraintOnline, concurrently } from '../online.js';
import { step } from '../step.js';

/**
 * Constraints, matched by name within their table. A changed one is dropped and added again. On a
 * table that already exists, a check or foreign key goes NOT VALID then VALIDATE, and a simple
 * unique or primary key is built as a unique index CONCURRENTLY and then attached. A foreign key
 * into a key that is replaced is dropped and added again around it.
 */
export function planConstraints(ctx: PlanContext): void {
  const replacedKeys = new Set<string>();
  const changed = (t: TableInfo, c: ConstraintInfo) => {
    const other = ctx.toTables.get(keyOf(t))?.constraints.find((x) => x.name === c.name);
    return !other || other.definition !== c.definition;
  };
  for (const t of ctx.from.tables) for (const c of t.constraints) if ((c.kind === 'primary key' || c.kind === 'unique') && changed(t, c)) replacedKeys.add(keyOf(t));
  const refersToReplaced = (c: ConstraintInfo) => c.references !== null && replacedKeys.has(`${c.references.schema}.${c.references.table}`);

  for (const t of ctx.from.tables) {
    if (ctx.droppedTables.has(keyOf(t)) && !t.constraints.some((c) => c.kind === 'foreign key')) continue;
    for (const c of t.constraints) {
      if (ctx.droppedTables.has(keyOf(t)) && c.kind !== 'foreign key') continue;
      if (!changed(t, c) && !refersToReplaced(c)) continue;
      const phase = c.kind === 'foreign key' ? 'drop-fk' : 'drop-constraint';
      ctx.add(phase, step(`constraint ${c.name} on ${keyOf(t)}`, `ALTER TABLE ${nameOf(t)} DROP CONSTRAINT ${ident(c.name)};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK', ...(c.kind === 'foreign key' || c.kind === 'check' ? ['CORRECTNESS' as const] : ['INDEX_DROPPED' as const])]));
    }
  }
  for (const t of ctx.to.tables) {
    const old = ctx.fromTables.get(keyOf(t));
    for (const c of t.constraints) {
      const was = old?.constraints.find((x) => x.name === c.name);
      if (!old) {
        if (isLate(c)) ctx.add('create-fk', step(`constraint ${c.name} on ${keyOf(t)}`, `ALTER TABLE ${nameOf(t)} ADD CONSTRAINT ${ident(c.name)} ${c.definition};`));
        continue;
      }
      if (was && was.definition === c.definition && !refersToReplaced(c)) continue;
      addToExisting(ctx, t, c);
    }
  }
}

function addToExisting(ctx: PlanContext, t: TableInfo, c: ConstraintInfo): void {
  const object = `constraint ${c.name} on ${keyOf(t)}`;
  const table = nameOf(t);
  const phase = c.kind === 'foreign key' ? 'create-fk' : 'create-constraint';
  if (c.definition.endsWith(' NOT VALID')) return ctx.add(phase, step(object, `ALTER TABLE ${table} ADD CONSTRAINT ${ident(c.name)} ${c.definition};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']));
  if (c.kind === 'foreign key' && c.references) {
    const refs = c.references;
    const join = c.columns.map((col, i) => `p.${ident(refs.columns[i])} = c.${ident(col)}`).join(' and ');
    const notNull = c.columns.map((col) => `c.${ident(col)} is not null`).join(' and ');
    ctx.add(phase, dataCheck(object, `select count(*) from ${table} c where ${notNull} and not exists (select from ${qualifiedIdent(refs.schema, refs.table)} p where ${join})`, `rows in ${table} whose ${c.columns.join(', ')} has no match in ${refs.schema}.${refs.table}`));
  }
  // Postgres before 18 refuses a NOT VALID foreign key on a partitioned table: that one is added plainly.
  const online = c.kind === 'check' || (c.kind === 'foreign key' && !t.partitioned);
  if (online) return ctx.add(phase, ...addConstraintOnline(table, c.name, c.definition, object));
  const simple = /^(UNIQUE|PRIMARY KEY) \(([^()]*)\)$/.exec(c.definition);
  if (simple) {
    const columns = simple[2];
    ctx.add(phase, dataCheck(object, `select count(*) from (select from ${table} where (${columns}) is not null group by ${columns} having count(*) > 1) d`, `value(s) of (${columns}) in ${table} held by more than one row`));
    if (!t.partitioned) {
      ctx.add(phase, step(object, concurrently(`CREATE UNIQUE INDEX ${ident(c.name)} ON ${table} USING btree (${columns})`), ['INDEX_BUILD'], false));
      ctx.add(phase, step(object, `ALTER TABLE ${table} ADD CONSTRAINT ${ident(c.name)} ${simple[1]} USING INDEX ${ident(c.name)};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']));
      return;
    }
  }
  ctx.add(phase, step(object, `ALTER TABLE ${table} ADD CONSTRAINT ${ident(c.name)} ${c.definition};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK', ...(c.kind === 'foreign key' ? [] : ['INDEX_BUILD' as const]), 'DATA_DEPENDENT']));
}
