import type { ViewInfo } from '../../schema/model.js';
import { view as createView } from '../../schema/dump.js';
import { keyOf, nameOf, same, type PlanContext } from '../context.js';
import { dependencyOrder, dependentsOf } from '../order.js';
import { step } from '../step.js';

const kindOf = (v: ViewInfo) => (v.materialized ? 'MATERIALIZED VIEW' : 'VIEW');
const shape = ({ definition, options, columns, materialized }: ViewInfo) => ({ definition, options, materialized, columns: columns.map((c) => [c.name, c.type]) });

/**
 * Views and materialized views. A changed view is dropped and created again, and so is every view
 * that reads it or a relation whose columns change type or go away (Postgres refuses those
 * changes under a view): dropped dependents first, created dependencies first.
 */
export function planViews(ctx: PlanContext): void {
  const changed = new Set<string>();
  for (const v of ctx.to.views) {
    const old = ctx.fromViews.get(keyOf(v));
    if (old && !same(shape(old), shape(v))) changed.add(keyOf(v));
  }
  const gone = new Set([...ctx.droppedTables, ...ctx.touchedRelations, ...changed, ...ctx.from.views.filter((v) => !ctx.toViews.has(keyOf(v))).map(keyOf)]);
  for (const key of dependentsOf(ctx.from.views, gone)) if (ctx.toViews.has(key)) changed.add(key);
  for (const key of changed) ctx.recreated.add(`view ${key}`);

  const drops = dependencyOrder(ctx.from.views).filter((v) => !ctx.toViews.has(keyOf(v)) || changed.has(keyOf(v))).reverse();
  for (const v of drops) ctx.add('drop-view', step(`view ${keyOf(v)}`, `DROP ${kindOf(v)} ${nameOf(v)};`, v.materialized ? ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK'] : []));
  const creates = dependencyOrder(ctx.to.views).filter((v) => !ctx.fromViews.has(keyOf(v)) || changed.has(keyOf(v)));
  for (const v of creates) {
    const sql = createView(v).replace(/\nWITH NO DATA;$/, ';'); // a migration fills it: readers never see an unpopulated view
    ctx.add('create-view', step(`view ${keyOf(v)}`, sql, v.materialized ? ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK'] : []));
  }
}
