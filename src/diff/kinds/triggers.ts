import type { TriggerInfo } from '../../schema/model.js';
import { ident } from '../../schema/sql-names.js';
import { keyOf, nameOf, type PlanContext } from '../context.js';
import { step } from '../step.js';

/** The function a trigger executes, as `schema.name(` (its argument list is always empty). */
const calls = (t: TriggerInfo) => /EXECUTE (?:FUNCTION|PROCEDURE) (.*?\()/.exec(t.definition)?.[1] ?? '';

/** Triggers: a changed one is dropped and created again (also when its function is recreated); enabling alone is an ALTER. */
export function planTriggers(ctx: PlanContext): void {
  const recreatedFunctions = [...ctx.recreated].filter((k) => k.startsWith('function ')).map((k) => k.slice('function '.length).replace(/\(.*$/, '('));
  // A trigger whose WHEN or UPDATE OF names a column blocks retyping or dropping it: it goes and comes back.
  const usesColumns = (t: TriggerInfo, table: string) => ctx.touchedRelations.has(table) && / (WHEN \(|UPDATE OF )/.test(t.definition);
  const refreshed = (t: TriggerInfo, table: string) => usesColumns(t, table) || recreatedFunctions.some((f) => calls(t).replace(/"/g, '') === f);
  for (const table of ctx.to.tables) {
    const old = ctx.fromTables.get(keyOf(table));
    for (const t of table.triggers) {
      const was = old?.triggers.find((x) => x.name === t.name);
      const object = `trigger ${t.name} on ${keyOf(table)}`;
      const toggle = () => ctx.add('create-trigger', step(object, `ALTER TABLE ${nameOf(table)} ${t.enabled ? 'ENABLE' : 'DISABLE'} TRIGGER ${ident(t.name)};`, ['ACQUIRES_SHARE_LOCK', 'CORRECTNESS']));
      if (was && was.definition === t.definition && !refreshed(t, keyOf(table))) {
        if (was.enabled !== t.enabled) toggle();
        continue;
      }
      ctx.add('create-trigger', step(object, `${t.definition};`, ['ACQUIRES_SHARE_LOCK', 'CORRECTNESS']));
      if (!t.enabled) toggle();
    }
  }
  for (const table of ctx.from.tables) {
    if (ctx.droppedTables.has(keyOf(table))) continue;
    const next = ctx.toTables.get(keyOf(table))!;
    for (const t of table.triggers) {
      const now = next.triggers.find((x) => x.name === t.name);
      if (now && now.definition === t.definition && !refreshed(now, keyOf(table))) continue;
      ctx.add('drop-trigger', step(`trigger ${t.name} on ${keyOf(table)}`, `DROP TRIGGER ${ident(t.name)} ON ${nameOf(table)};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK', 'CORRECTNESS']));
    }
  }
}
