import { ident, literal } from '../../schema/sql-names.js';
import type { PlanContext } from '../context.js';
import { step } from '../step.js';

/** Extensions: created with the schema they live in; a version change is an update, with its hazard. */
export function planExtensions(ctx: PlanContext): void {
  const before = new Map(ctx.from.extensions.map((e) => [e.name, e]));
  const after = new Map(ctx.to.extensions.map((e) => [e.name, e]));
  for (const e of ctx.to.extensions) {
    const old = before.get(e.name);
    const object = `extension ${e.name}`;
    if (!old) {
      ctx.add('create-extension', step(object, `CREATE EXTENSION IF NOT EXISTS ${ident(e.name)} WITH SCHEMA ${ident(e.schema)};`));
      continue;
    }
    if (old.schema !== e.schema) ctx.add('create-extension', step(object, `ALTER EXTENSION ${ident(e.name)} SET SCHEMA ${ident(e.schema)};`, ['CORRECTNESS']));
    if (old.version !== e.version) ctx.add('create-extension', step(object, `ALTER EXTENSION ${ident(e.name)} UPDATE TO ${literal(e.version)};`, ['EXTENSION_VERSION']));
  }
  for (const e of ctx.from.extensions) {
    if (!after.has(e.name)) ctx.add('drop-extension', step(`extension ${e.name}`, `DROP EXTENSION ${ident(e.name)};`, ['DELETES_DATA', 'CORRECTNESS']));
  }
}
