import type { Grant, SchemaSnapshot } from '../../schema/model.js';
import { roles } from '../../schema/dump.js';
import { ident, qualifiedIdent, roleIdent } from '../../schema/sql-names.js';
import type { PlanContext } from '../context.js';
import { functionKey } from './functions.js';
import { step } from '../step.js';

interface Grantable {
  /** `kind name` as ctx.recreated spells it. */
  key: string;
  on: string;
  /** ` (column)` for a column's grants. */
  columns: string;
  grants: Grant[];
  /** PUBLIC's privileges when nothing was granted or revoked (EXECUTE on functions). */
  publicDefault: string[];
}

function grantables(s: SchemaSnapshot): Grantable[] {
  const out: Grantable[] = [];
  const add = (key: string, on: string, grants: Grant[], publicDefault: string[] = [], columns = '') => out.push({ key, on, grants, publicDefault, columns });
  for (const x of s.schemas) add(`schema ${x.name}`, `SCHEMA ${ident(x.name)}`, x.grants);
  for (const x of s.sequences) add(`sequence ${x.schema}.${x.name}`, `SEQUENCE ${qualifiedIdent(x.schema, x.name)}`, x.grants);
  for (const t of s.tables) {
    add(`table ${t.schema}.${t.name}`, `TABLE ${qualifiedIdent(t.schema, t.name)}`, t.grants);
    for (const c of t.columns) add(`column ${t.schema}.${t.name}.${c.name}`, `TABLE ${qualifiedIdent(t.schema, t.name)}`, c.grants, [], ` (${ident(c.name)})`);
  }
  for (const v of s.views) add(`view ${v.schema}.${v.name}`, `TABLE ${qualifiedIdent(v.schema, v.name)}`, v.grants);
  for (const f of s.functions) add(`function ${functionKey(f)}`, `${f.kind === 'aggregate' ? 'FUNCTION' : f.kind.toUpperCase()} ${qualifiedIdent(f.schema, f.name)}(${f.arguments})`, f.grants, ['EXECUTE']);
  return out;
}

/** Privileges per role, PUBLIC's default filled in where the snapshot leaves it out. */
function effective(g: Grantable | undefined, publicDefault: string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>([['PUBLIC', new Set(publicDefault)]]);
  for (const grant of g?.grants ?? []) out.set(grant.role, new Set(grant.privileges));
  return out;
}

/**
 * Grants and revokes, role by role, for every object that has privileges: an object that is new or
 * recreated starts from the defaults. Roles the schema names that do not exist yet are created
 * NOLOGIN (roles are global: never dropped by a migration).
 */
export function planGrants(ctx: PlanContext): void {
  const previous = new Set(roles(ctx.from));
  for (const sql of roles(ctx.to)) if (!previous.has(sql)) ctx.add('create-role', step('roles', sql, ['AUTHZ_UPDATE']));
  const before = new Map(grantables(ctx.from).map((g) => [g.key, g]));
  for (const g of grantables(ctx.to)) {
    const fresh = !before.has(g.key) || ctx.recreated.has(g.key);
    const a = effective(fresh ? undefined : before.get(g.key), g.publicDefault);
    const b = effective(g, g.publicDefault);
    for (const role of new Set([...a.keys(), ...b.keys()])) {
      const had = a.get(role) ?? new Set();
      const has = b.get(role) ?? new Set();
      const revoke = [...had].filter((p) => !has.has(p)).map((p) => p.replace(' WITH GRANT OPTION', ''));
      const grant = [...has].filter((p) => !had.has(p));
      const plain = grant.filter((p) => !p.endsWith(' WITH GRANT OPTION'));
      const withOption = grant.filter((p) => p.endsWith(' WITH GRANT OPTION')).map((p) => p.replace(' WITH GRANT OPTION', ''));
      const list = (ps: string[]) => [...new Set(ps)].map((p) => p + g.columns).join(', ');
      if (revoke.length) ctx.add('grant', step(g.key, `REVOKE ${list(revoke)} ON ${g.on} FROM ${roleIdent(role)};`, ['AUTHZ_UPDATE']));
      if (plain.length) ctx.add('grant', step(g.key, `GRANT ${list(plain)} ON ${g.on} TO ${roleIdent(role)};`, ['AUTHZ_UPDATE']));
      if (withOption.length) ctx.add('grant', step(g.key, `GRANT ${list(withOption)} ON ${g.on} TO ${roleIdent(role)} WITH GRANT OPTION;`, ['AUTHZ_UPDATE']));
    }
  }
}
