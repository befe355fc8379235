import { ident } from '../../schema/sql-names.js';
import type { PlanContext } from '../context.js';
import { step } from '../step.js';

/** Schemas: created first, dropped last (after everything in them). */
export function planSchemas(ctx: PlanContext): void {
  const before = new Set(ctx.from.schemas.map((s) => s.name));
  const after = new Set(ctx.to.schemas.map((s) => s.name));
  for (const s of ctx.to.schemas) if (!before.has(s.name)) ctx.add('create-schema', step(`schema ${s.name}`, `CREATE SCHEMA ${ident(s.name)};`));
  for (const s of ctx.from.schemas) {
    if (!after.has(s.name)) ctx.add('drop-schema', step(`schema ${s.name}`, `DROP SCHEMA ${ident(s.name)};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']));
  }
}
