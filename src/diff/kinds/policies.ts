import type { PolicyInfo, TableInfo } from '../../schema/model.js';
import { ident, roleIdent } from '../../schema/sql-names.js';
import { keyOf, nameOf, same, type PlanContext } from '../context.js';
import { step } from '../step.js';

const shape = ({ comment: _comment, ...rest }: PolicyInfo) => rest;

export function createPolicy(t: TableInfo, p: PolicyInfo): string {
  return [
    `CREATE POLICY ${ident(p.name)} ON ${nameOf(t)}`,
    p.permissive ? '' : ' AS RESTRICTIVE',
    ` FOR ${p.command} TO ${p.roles.map(roleIdent).join(', ')}`,
    p.using !== null ? `\n    USING (${p.using})` : '',
    p.withCheck !== null ? `\n    WITH CHECK (${p.withCheck})` : '',
    ';',
  ].join('');
}

/** Row-level security policies: a changed one is dropped and created again (in one transaction, so no gap). */
export function planPolicies(ctx: PlanContext): void {
  for (const t of ctx.to.tables) {
    const old = ctx.fromTables.get(keyOf(t));
    for (const p of t.policies) {
      const was = old?.policies.find((x) => x.name === p.name);
      if (was && same(shape(was), shape(p)) && !ctx.touchedRelations.has(keyOf(t))) continue;
      ctx.add('create-policy', step(`policy ${p.name} on ${keyOf(t)}`, createPolicy(t, p), ['AUTHZ_UPDATE']));
    }
  }
  for (const t of ctx.from.tables) {
    if (ctx.droppedTables.has(keyOf(t))) continue;
    const next = ctx.toTables.get(keyOf(t))!;
    for (const p of t.policies) {
      const now = next.policies.find((x) => x.name === p.name);
      // Postgres refuses to retype or drop a column a policy uses: those on a touched table go and come back.
      if (now && same(shape(now), shape(p)) && !ctx.touchedRelations.has(keyOf(t))) continue;
      ctx.add('drop-policy', step(`policy ${p.name} on ${keyOf(t)}`, `DROP POLICY ${ident(p.name)} ON ${nameOf(t)};`, ['AUTHZ_UPDATE']));
    }
  }
}
