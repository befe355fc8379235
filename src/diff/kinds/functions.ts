import type { FunctionInfo } from '../../schema/model.js';
import { qualifiedIdent } from '../../schema/sql-names.js';
import type { PlanContext } from '../context.js';
import { step } from '../step.js';

export const functionKey = (f: FunctionInfo) => `${f.schema}.${f.name}(${f.arguments})`;
const signature = (f: FunctionInfo) => `${f.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${qualifiedIdent(f.schema, f.name)}(${f.arguments})`;
const returns = (f: FunctionInfo) => /\n RETURNS (.*)\n/.exec(f.definition)?.[1] ?? '';

/** Whether `text` names the relation `schema.name` (by its bare name: a loose test, erring towards later). */
const namesRelation = (text: string, relation: string) => new RegExp(`(^|[^\\w$])${relation.split('.')[1].replace(/[$]/g, '\\$')}($|[^\\w$])`).test(text.toLowerCase());

/**
 * SQL functions are checked against the relations they read when created (SQL-standard bodies
 * always are): one that names a relation this plan creates goes after the tables (and before the
 * views that may call it), and so does one whose signature names a table's row type. Every other
 * function goes first, ready for defaults, checks, policies
 * and triggers; PL/pgSQL bodies are not resolved until called.
 */
function isLate(ctx: PlanContext, f: FunctionInfo): boolean {
  const created = [...ctx.newTables, ...ctx.to.views.filter((v) => !ctx.fromViews.has(`${v.schema}.${v.name}`) || ctx.recreated.has(`view ${v.schema}.${v.name}`)).map((v) => `${v.schema}.${v.name}`)];
  const names = (text: string) => created.some((r) => namesRelation(text, r));
  // A table's row type in the signature (`RETURNS SETOF customer`) needs the table, whatever the language.
  if (names(`${f.arguments} ${returns(f)}`)) return true;
  if (!/\n LANGUAGE sql\b/.test(f.definition) && !/\n(BEGIN ATOMIC|RETURN )/.test(f.definition)) return false;
  return names(f.definition);
}

/**
 * Functions and procedures, identified by name and argument types. A changed body is replaced in
 * place (CREATE OR REPLACE); a new return type or kind drops it first, and the triggers that
 * call it are created again after.
 */
export function planFunctions(ctx: PlanContext): void {
  const before = new Map(ctx.from.functions.map((f) => [functionKey(f), f]));
  const after = new Map(ctx.to.functions.map((f) => [functionKey(f), f]));
  for (const f of ctx.to.functions) {
    const old = before.get(functionKey(f));
    const object = `${f.kind} ${functionKey(f)}`;
    if (old && old.definition === f.definition && old.kind === f.kind) continue;
    if (old && (old.kind !== f.kind || returns(old) !== returns(f))) {
      ctx.add('drop-replaced', step(object, `DROP ${signature(old)};`, ['CORRECTNESS']));
      ctx.recreated.add(`function ${functionKey(f)}`);
    }
    ctx.add(isLate(ctx, f) ? 'create-late-function' : 'create-function', step(object, `${f.definition};`));
  }
  for (const f of ctx.from.functions) {
    if (after.has(functionKey(f))) continue;
    // One whose signature names a dropped table's row type goes before the table (after the views that may call it).
    const early = [...ctx.droppedTables].some((t) => namesRelation(`${f.arguments} ${returns(f)}`, t));
    ctx.add(early ? 'drop-view' : 'drop-function', step(`${f.kind} ${functionKey(f)}`, `DROP ${signature(f)};`, ['CORRECTNESS']));
  }
}
