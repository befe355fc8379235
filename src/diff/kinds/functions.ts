import type { FunctionInfo } from '../../schema/model.js';
import { qualifiedIdent } from '../../schema/sql-names.js';
import type { PlanContext } from '../context.js';
import { step } from '../step.js';

export const functionKey = (f: FunctionInfo) => `${f.schema}.${f.name}(${f.arguments})`;
const signature = (f: FunctionInfo) => `${f.kind.toUpperCase()} ${qualifiedIdent(f.schema, f.name)}(${f.arguments})`;
const returns = (f: FunctionInfo) => /\n RETURNS (.*)\n/.exec(f.definition)?.[1] ?? '';

/**
 * SQL functions are checked against the relations they read when created (SQL-standard bodies
 * always are): one that names a relation this plan creates goes after the tables (and before the
 * views that may call it). Every other function goes first, ready for defaults, checks, policies
 * and triggers; PL/pgSQL bodies are not resolved until called.
 */
function isLate(ctx: PlanContext, f: FunctionInfo): boolean {
  if (f.kind === 'aggregate') return true; // after the functions it calls
  const created = [...ctx.newTables, ...ctx.to.views.filter((v) => !ctx.fromViews.has(`${v.schema}.${v.name}`) || ctx.recreated.has(`view ${v.schema}.${v.name}`)).map((v) => `${v.schema}.${v.name}`)];
  // A row type in the signature (RETURNS SETOF public.customer) must exist whatever the language.
  const signature = `${f.arguments} ${returns(f)}`;
  if (created.some((r) => signature.includes(qualifiedIdent(r.split('.')[0], r.split('.')[1])))) return true;
  if (!/\n LANGUAGE sql\b/.test(f.definition) && !/\n(BEGIN ATOMIC|RETURN )/.test(f.definition)) return false;
  const body = f.definition.toLowerCase();
  return created.some((r) => new RegExp(`(^|[^\\w$])${r.split('.')[1].replace(/[$]/g, '\\$')}($|[^\\w$])`).test(body));
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
    // An aggregate has no CREATE OR REPLACE here: any change drops it first.
    if (old && (old.kind !== f.kind || returns(old) !== returns(f) || f.kind === 'aggregate')) {
      ctx.add('drop-replaced', step(object, `DROP ${signature(old)};`, ['CORRECTNESS']));
      ctx.recreated.add(`function ${functionKey(f)}`);
    }
    ctx.add(isLate(ctx, f) ? 'create-late-function' : 'create-function', step(object, `${f.definition};`));
  }
  // Aggregates go before the functions they call.
  const drops = [...ctx.from.functions].sort((x, y) => Number(y.kind === 'aggregate') - Number(x.kind === 'aggregate'));
  for (const f of drops) {
    if (after.has(functionKey(f))) continue;
    // A row type in its signature, or a SQL-standard body, ties it to the tables it names: it goes before them.
    const tied = [...ctx.droppedTables].some((t) => `${f.arguments} ${returns(f)}`.includes(qualifiedIdent(t.split('.')[0], t.split('.')[1])) || (/\n(BEGIN ATOMIC|RETURN )/.test(f.definition) && f.definition.includes(qualifiedIdent(t.split('.')[0], t.split('.')[1]))));
    ctx.add(tied ? 'drop-view' : 'drop-function', step(`${f.kind} ${functionKey(f)}`, `DROP ${signature(f)};`, ['CORRECTNESS']));
  }
}
