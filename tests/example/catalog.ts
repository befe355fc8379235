import type { Kysely } from 'kysely';
import { rows } from './helpers.js';

/**
 * Everything the example migrations define in `public`, by name and definition (never by OID), so
 * two snapshots are equal exactly when the schemas are: tables and columns, constraints, indexes,
 * views (with their options), triggers, functions, row-level security and policies, grants to the
 * application roles, and extensions. Objects that belong to an extension are left to its version.
 */
export async function catalogSnapshot(db: Kysely<any>): Promise<Record<string, unknown[]>> {
  const notExtensionMember = (oid: string, classid: string) =>
    `not exists (select from pg_depend dep where dep.classid = '${classid}'::regclass and dep.objid = ${oid} and dep.deptype = 'e')`;
  const publicRelations = `n.nspname = 'public' and ${notExtensionMember('c.oid', 'pg_class')}`;
  return {
    relations: await rows(db, `
      select c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity, c.reloptions, c.relacl::text as acl
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where ${publicRelations} and c.relkind in ('r', 'v', 'm', 'p', 'S')
      order by c.relname`),
    columns: await rows(db, `
      select c.relname, a.attname, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull,
             pg_get_expr(d.adbin, d.adrelid) as default_expr
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where ${publicRelations} and c.relkind in ('r', 'v', 'p') and a.attnum > 0 and not a.attisdropped
      order by c.relname, a.attnum`),
    constraints: await rows(db, `
      select c.relname, k.conname, pg_get_constraintdef(k.oid) as definition
      from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
      where ${publicRelations}
      order by c.relname, k.conname`),
    indexes: await rows(db, `select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by tablename, indexname`),
    views: await rows(db, `select viewname, definition from pg_views where schemaname = 'public' order by viewname`),
    triggers: await rows(db, `
      select c.relname, t.tgname, pg_get_triggerdef(t.oid) as definition
      from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where ${publicRelations} and not t.tgisinternal
      order by c.relname, t.tgname`),
    functions: await rows(db, `
      select p.proname, pg_get_functiondef(p.oid) as definition, p.proacl::text as acl
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public' and ${notExtensionMember('p.oid', 'pg_proc')}
      order by p.proname`),
    policies: await rows(db, `
      select tablename, policyname, permissive, roles::text[] as roles, cmd, qual, with_check
      from pg_policies where schemaname = 'public' order by tablename, policyname`),
    extensions: await rows(db, `select extname, extversion from pg_extension where extname <> 'plpgsql' order by extname`),
  };
}
