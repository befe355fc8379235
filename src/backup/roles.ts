import type { SqlClient } from '../driver/database.js';
import { quoteIdent } from '../sql/quote.js';
import { OperationError } from '../errors.js';

/**
 * Roles are global to a server, so pg_dump never carries them, yet policies, grants and owners in
 * the dump name them and a restore into another server (or a fresh PGlite) fails on the first
 * missing one. The manifest lists the roles the database refers to; restore creates the missing
 * ones as NOLOGIN roles (no password, no attributes: a placeholder an operator completes).
 */
export async function referencedRoles(db: SqlClient): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(`
    with refs(oid) as (
      select unnest(polroles) from pg_policy
      union select relowner from pg_class
      union select nspowner from pg_namespace
      union select proowner from pg_proc
      union select a.grantee from pg_class c, aclexplode(c.relacl) a
      union select a.grantee from pg_namespace n, aclexplode(n.nspacl) a
      union select a.grantee from pg_proc p, aclexplode(p.proacl) a
      union select a.grantee from pg_default_acl d, aclexplode(d.defaclacl) a
    )
    select r.rolname as name from pg_roles r join refs on refs.oid = r.oid
    where r.oid >= 16384 and r.rolname <> current_user
    order by 1`);
  return rows.map((r) => r.name);
}

/** Creates the roles of `names` that do not exist; returns those it created. */
export async function createMissingRoles(db: SqlClient, names: string[]): Promise<string[]> {
  if (!names.length) return [];
  const { rows } = await db.query<{ name: string }>(`select rolname as name from pg_roles where rolname = any($1::text[])`, [names]);
  const existing = new Set(rows.map((r) => r.name));
  const missing = names.filter((n) => !existing.has(n));
  for (const name of missing) {
    try {
      await db.query(`create role ${quoteIdent(name)} nologin`);
    } catch (error) {
      throw new OperationError(`cannot create role "${name}" that the backup refers to: ${(error as Error).message}`, {
        hint: 'create the roles first (pg_dumpall --roles-only on the source), or restore as a user with CREATEROLE',
        cause: error,
      }, 'restore_roles');
    }
  }
  return missing;
}
