import type { IndexInfo } from '../../schema/model.js';
import { ident, qualifiedIdent } from '../../schema/sql-names.js';
import { dataCheck } from '../checks.js';
import type { PlanContext } from '../context.js';
import { concurrently, shortName } from '../online.js';
import { step, type Phase } from '../step.js';

interface Owner {
  schema: string;
  name: string;
  indexes: IndexInfo[];
  /** A new or recreated owner: plain builds, in its own transaction. */
  fresh: boolean;
  /** Partitioned tables cannot build or drop indexes CONCURRENTLY. */
  online: boolean;
  phase: Phase;
}

/**
 * Indexes of tables and materialized views, matched by name. On an existing relation they are
 * built and dropped CONCURRENTLY (outside a transaction); a changed one is built under a new name
 * first, the old one dropped, and the new one renamed, so queries always have one.
 */
export function planIndexes(ctx: PlanContext): void {
  const owners = (side: 'from' | 'to'): Owner[] => [
    ...ctx[side].tables.map((t) => ({ ...t, fresh: ctx.newTables.has(`${t.schema}.${t.name}`), online: !t.partitioned, phase: 'create-index' as const })),
    ...ctx[side].views.filter((v) => v.materialized).map((v) => ({ ...v, fresh: !ctx[side === 'to' ? 'fromViews' : 'toViews'].has(`${v.schema}.${v.name}`) || ctx.recreated.has(`view ${v.schema}.${v.name}`), online: true, phase: 'create-view-index' as const })),
  ];
  const before = new Map(owners('from').map((o) => [`${o.schema}.${o.name}`, o]));
  const after = new Map(owners('to').map((o) => [`${o.schema}.${o.name}`, o]));
  for (const o of after.values()) {
    const old = before.get(`${o.schema}.${o.name}`);
    for (const i of o.indexes) {
      const was = old && !o.fresh ? old.indexes.find((x) => x.name === i.name) : undefined;
      if (was?.definition === i.definition) continue;
      if (was) replace(ctx, o, i);
      else create(ctx, o, i);
    }
  }
  for (const o of before.values()) {
    const next = after.get(`${o.schema}.${o.name}`);
    if (!next || next.fresh) continue; // dropped with its table or view
    for (const i of o.indexes) {
      if (next.indexes.some((x) => x.name === i.name)) continue;
      const object = `index ${i.name} on ${o.schema}.${o.name}`;
      const target = qualifiedIdent(o.schema, i.name);
      ctx.add('drop-index', step(object, o.online ? `DROP INDEX CONCURRENTLY ${target};` : `DROP INDEX ${target};`, ['INDEX_DROPPED', ...(o.online ? [] : ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK' as const])], !o.online));
    }
  }
}

function create(ctx: PlanContext, o: Owner, i: IndexInfo): void {
  const object = `index ${i.name} on ${o.schema}.${o.name}`;
  if (o.fresh || !o.online) return ctx.add(o.phase, step(object, `${i.definition};`, o.fresh ? [] : ['INDEX_BUILD', 'ACQUIRES_SHARE_LOCK']));
  uniqueCheck(ctx, o, i, object);
  ctx.add(o.phase, step(object, concurrently(i.definition), ['INDEX_BUILD'], false));
}

function replace(ctx: PlanContext, o: Owner, i: IndexInfo): void {
  const object = `index ${i.name} on ${o.schema}.${o.name}`;
  const target = qualifiedIdent(o.schema, i.name);
  if (!o.online) {
    ctx.add('drop-index', step(object, `DROP INDEX ${target};`, ['INDEX_DROPPED', 'ACQUIRES_ACCESS_EXCLUSIVE_LOCK']));
    return ctx.add(o.phase, step(object, `${i.definition};`, ['INDEX_BUILD', 'ACQUIRES_SHARE_LOCK']));
  }
  const temporary = shortName(`${i.name}_dbctl_new`);
  uniqueCheck(ctx, o, i, object);
  ctx.add(o.phase, step(object, concurrently(i.definition, { from: i.name, to: temporary }), ['INDEX_BUILD'], false));
  ctx.add(o.phase, step(object, `DROP INDEX CONCURRENTLY ${target};`, ['INDEX_DROPPED'], false));
  ctx.add(o.phase, step(object, `ALTER INDEX ${qualifiedIdent(o.schema, temporary)} RENAME TO ${ident(i.name)};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']));
}

/** A unique index over plain columns: count the duplicates first. */
function uniqueCheck(ctx: PlanContext, o: Owner, i: IndexInfo, object: string): void {
  const simple = /^CREATE UNIQUE INDEX \S+ ON (\S+) USING btree \(([\w", ]+)\)(?: WHERE \((.*)\))?$/.exec(i.definition);
  if (!simple) return;
  const [, table, columns, where] = simple;
  const filter = `(${columns}) is not null${where ? ` and (${where})` : ''}`;
  ctx.add(o.phase, dataCheck(object, `select count(*) from (select from ${table} where ${filter} group by ${columns} having count(*) > 1) d`, `value(s) of (${columns}) in ${table} held by more than one row`));
}
