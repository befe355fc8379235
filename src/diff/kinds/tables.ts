import type { TableInfo } from '../../schema/model.js';
import { dotted, table as createTable } from '../../schema/dump.js';
import { keyOf, nameOf, same, type PlanContext } from '../context.js';
import { step } from '../step.js';

/**
 * Tables and partitions: created (parents before partitions), dropped (a partition whose parent
 * goes goes with it), and altered in place for persistence, storage options and partition
 * attachment. A new partition key or a table turned partitioned cannot be planned in place.
 */
export function planTables(ctx: PlanContext): void {
  for (const t of ctx.to.tables) if (!ctx.fromTables.has(keyOf(t))) ctx.newTables.add(keyOf(t));
  for (const t of ctx.from.tables) if (!ctx.toTables.has(keyOf(t))) ctx.droppedTables.add(keyOf(t));
  const depth = (t: TableInfo): number => (t.partitionOf ? 1 + depth(ctx.toTables.get(t.partitionOf.parent) ?? ({} as TableInfo)) : 0);
  const created = ctx.to.tables.filter((t) => ctx.newTables.has(keyOf(t))).sort((a, b) => depth(a) - depth(b));
  for (const t of created) ctx.add('create-table', step(`table ${keyOf(t)}`, createTable(t)));
  for (const t of ctx.from.tables) {
    if (!ctx.droppedTables.has(keyOf(t)) || (t.partitionOf && ctx.droppedTables.has(t.partitionOf.parent))) continue;
    ctx.add('drop-table', step(`table ${keyOf(t)}`, `DROP TABLE ${nameOf(t)};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK', 'DELETES_DATA']));
  }
  for (const t of ctx.to.tables) {
    const old = ctx.fromTables.get(keyOf(t));
    if (old) alterTable(ctx, old, t);
  }
}

function alterTable(ctx: PlanContext, old: TableInfo, t: TableInfo): void {
  const object = `table ${keyOf(t)}`;
  const alter = (sql: string, hazards: Parameters<typeof step>[2] = ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']) => ctx.add('alter-table', step(object, `ALTER TABLE ${nameOf(t)} ${sql};`, hazards));
  if (old.partitioned !== t.partitioned || old.partitionKey !== t.partitionKey) {
    ctx.cannot(object, `its partitioning changes (${old.partitionKey ?? 'none'} → ${t.partitionKey ?? 'none'}): write this migration by hand (create a new table and copy)`);
    return;
  }
  if (!same(old.partitionOf, t.partitionOf)) {
    if (old.partitionOf) ctx.add('alter-table', step(object, `ALTER TABLE ${dotted(old.partitionOf.parent)} DETACH PARTITION ${nameOf(t)};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK', 'CORRECTNESS']));
    if (t.partitionOf) ctx.add('alter-table', step(object, `ALTER TABLE ${dotted(t.partitionOf.parent)} ATTACH PARTITION ${nameOf(t)} ${t.partitionOf.bound};`, ['ACQUIRES_SHARE_LOCK', 'DATA_DEPENDENT']));
  }
  if (old.unlogged !== t.unlogged) alter(t.unlogged ? 'SET UNLOGGED' : 'SET LOGGED', ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK', 'TABLE_REWRITE']);
  const keyName = (o: string) => o.split('=')[0];
  const reset = old.options.filter((o) => !t.options.some((n) => keyName(n) === keyName(o))).map(keyName);
  const set = t.options.filter((o) => !old.options.includes(o));
  if (reset.length) alter(`RESET (${reset.join(', ')})`);
  if (set.length) alter(`SET (${set.join(', ')})`);
}

/** Row-level security switches, for new and existing tables alike. */
export function planRowSecurity(ctx: PlanContext): void {
  for (const t of ctx.to.tables) {
    const old = ctx.fromTables.get(keyOf(t));
    const alter = (sql: string) => ctx.add('rls', step(`table ${keyOf(t)}`, `ALTER TABLE ${nameOf(t)} ${sql};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK', 'AUTHZ_UPDATE']));
    if (t.rowSecurity !== (old?.rowSecurity ?? false)) alter(t.rowSecurity ? 'ENABLE ROW LEVEL SECURITY' : 'DISABLE ROW LEVEL SECURITY');
    if (t.forceRowSecurity !== (old?.forceRowSecurity ?? false)) alter(t.forceRowSecurity ? 'FORCE ROW LEVEL SECURITY' : 'NO FORCE ROW LEVEL SECURITY');
  }
}
