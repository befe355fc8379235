/**
 * The catalog queries behind `introspectSchema`, one per object kind. Each returns one row per
 * object with nested parts as JSON text (parsed by the caller: JSON as text reads the same through
 * node-postgres and PGlite). They run with an empty search_path, so every pg_get_*def and
 * format_type qualifies names outside pg_catalog, whatever the caller's search_path.
 *
 * `$filter` placeholders are replaced by `scope()` (schemas to include, objects to leave out).
 */

/** Which rows are the application's: the schema filter, no extension members, no bookkeeping. */
export interface Scope {
  /** A condition on namespace alias `n`. */
  namespace: string;
  /** A condition on relation alias `c` (in namespace `n`). */
  relation: string;
  /** `not an extension member` for an object of catalog `classid` with OID expression `oid`. */
  notExtension(classid: string, oid: string): string;
}

/**
 * A role's privileges as JSON `[{role, privilege}]` from an ACL (the built-in default when it is
 * NULL), keeping grants to PUBLIC and to ordinary non-superuser roles other than the owner: the
 * owner's own grants and grants to superusers and built-in roles are noise that depends on who ran
 * the migrations, not on what they say.
 */
export function aclJson(acl: string, kind: string, owner: string): string {
  return `(select coalesce(json_agg(json_build_object('role', case when a.grantee = 0 then 'PUBLIC' else r.rolname end,
      'privilege', a.privilege_type || case when a.is_grantable then ' WITH GRANT OPTION' else '' end)), '[]')::text
    from aclexplode(coalesce(${acl}, acldefault('${kind}', ${owner}))) a left join pg_roles r on r.oid = a.grantee
    where a.grantee <> ${owner} and (a.grantee = 0 or (a.grantee >= 16384 and not r.rolsuper)))`;
}

/**
 * An object's comment, as obj_description/col_description read it, as a subquery on
 * pg_description's unique index: those are SQL functions, each call planned and run by the SQL
 * function executor, which at 1,000 tables (10,000 columns) was a quarter of a second on a server
 * and more in PGlite.
 */
export function commentOf(oid: string, catalog: string, subid = '0'): string {
  return `(select ds.description from pg_description ds where ds.objoid = ${oid} and ds.classoid = '${catalog}'::regclass and ds.objsubid = ${subid})`;
}

/** PUBLIC's default privileges for this kind of object (EXECUTE on functions, none on tables). */
export function defaultPublicJson(kind: string, owner: string): string {
  return `(select coalesce(json_agg(a.privilege_type), '[]')::text from aclexplode(acldefault('${kind}', ${owner})) a where a.grantee = 0)`;
}

export const schemasQuery = (s: Scope) => `
  select n.nspname as name, ${commentOf('n.oid', 'pg_namespace')} as comment,
    ${aclJson('n.nspacl', 'n', 'n.nspowner')} as grants, ${defaultPublicJson('n', 'n.nspowner')} as default_public
  from pg_namespace n
  where ${s.namespace} and n.nspname <> 'public' and ${s.notExtension('pg_namespace', 'n.oid')}`;

export const extensionsQuery = (s: Scope) => `
  select e.extname as name, n.nspname as schema, e.extversion as version
  from pg_extension e join pg_namespace n on n.oid = e.extnamespace
  where ${s.namespace} and e.extname <> 'plpgsql'`;

export const typesQuery = (s: Scope) => `
  select n.nspname as schema, t.typname as name, t.typtype as kind,
    ${commentOf('t.oid', 'pg_type')} as comment,
    (select coalesce(json_agg(e.enumlabel order by e.enumsortorder), '[]')::text from pg_enum e where e.enumtypid = t.oid) as labels,
    case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end as base_type,
    t.typnotnull as not_null, t.typdefault as default_value,
    (select quote_ident(cn.nspname) || '.' || quote_ident(co.collname) from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace
      where co.oid = t.typcollation and t.typtype = 'd' and t.typcollation <> (select b.typcollation from pg_type b where b.oid = t.typbasetype)) as collation,
    (select coalesce(json_agg(json_build_object('name', k.conname, 'definition', pg_get_constraintdef(k.oid)) order by k.conname), '[]')::text
      from pg_constraint k where k.contypid = t.oid and k.contype = 'c') as checks,
    (select coalesce(json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) order by a.attnum), '[]')::text
      from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped) as attributes
  from pg_type t join pg_namespace n on n.oid = t.typnamespace
  where ${s.namespace} and ${s.notExtension('pg_type', 't.oid')}
    and (t.typtype in ('e', 'd') or (t.typtype = 'c' and (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c'))`;

export const sequencesQuery = (s: Scope) => `
  select n.nspname as schema, c.relname as name, format_type(q.seqtypid, null) as type,
    q.seqstart::text as start, q.seqincrement::text as increment, q.seqmin::text as min, q.seqmax::text as max,
    q.seqcache::text as cache, q.seqcycle as cycle,
    (select tn.nspname || '.' || tc.relname || '.' || a.attname from pg_depend d
       join pg_class tc on tc.oid = d.refobjid join pg_namespace tn on tn.oid = tc.relnamespace
       join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
       where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.refclassid = 'pg_class'::regclass and d.deptype = 'a') as owned_by,
    ${commentOf('c.oid', 'pg_class')} as comment,
    ${aclJson('c.relacl', 's', 'c.relowner')} as grants, ${defaultPublicJson('s', 'c.relowner')} as default_public
  from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_sequence q on q.seqrelid = c.oid
  where c.relkind = 'S' and ${s.namespace} and ${s.relation} and ${s.notExtension('pg_class', 'c.oid')}
    -- identity sequences are part of their column; those of left-out tables are left out with them
    and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'i')
    and not exists (select from pg_depend d join pg_class tc on tc.oid = d.refobjid join pg_namespace n on n.oid = tc.relnamespace
      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.refclassid = 'pg_class'::regclass and d.deptype = 'a'
        and not (${s.namespace} and ${s.relation.replace(/\bc\./g, 'tc.')}))`;

export const relationsQuery = (s: Scope) => `
  select n.nspname as schema, c.relname as name, c.relkind as kind, c.relpersistence = 'u' as unlogged,
    c.relrowsecurity as row_security, c.relforcerowsecurity as force_row_security,
    coalesce(array_to_json(c.reloptions), '[]')::text as options,
    case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_key,
    case when c.relispartition then (select pn.nspname || '.' || p.relname from pg_inherits i join pg_class p on p.oid = i.inhparent
      join pg_namespace pn on pn.oid = p.relnamespace where i.inhrelid = c.oid) end as partition_parent,
    case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end as partition_bound,
    case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid, true) end as view_definition,
    case when c.relkind in ('v', 'm') then (select coalesce(json_agg(distinct dn.nspname || '.' || dc.relname), '[]')::text
      from pg_rewrite w join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = w.oid and d.refclassid = 'pg_class'::regclass
      join pg_class dc on dc.oid = d.refobjid join pg_namespace dn on dn.oid = dc.relnamespace
      where w.ev_class = c.oid and d.refobjid <> c.oid) end as depends_on,
    ${commentOf('c.oid', 'pg_class')} as comment,
    ${aclJson('c.relacl', 'r', 'c.relowner')} as grants, ${defaultPublicJson('r', 'c.relowner')} as default_public,
    (select coalesce(json_agg(json_build_object(
        'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
        'default', case when a.attgenerated = '' then pg_get_expr(ad.adbin, ad.adrelid) end,
        'generated', case when a.attgenerated <> '' then pg_get_expr(ad.adbin, ad.adrelid) end,
        'generatedKind', a.attgenerated::text, 'identity', a.attidentity::text,
        'collation', case when a.attcollation <> 0 and a.attcollation <> (select t.typcollation from pg_type t where t.oid = a.atttypid)
          then (select quote_ident(cn.nspname) || '.' || quote_ident(co.collname) from pg_collation co
            join pg_namespace cn on cn.oid = co.collnamespace where co.oid = a.attcollation) end,
        'comment', ${commentOf('a.attrelid', 'pg_class', 'a.attnum')},
        -- a column's default ACL is empty: no aclexplode for the columns nothing was granted on
        'grants', case when a.attacl is null then '[]' else ${aclJson('a.attacl', 'c', 'c.relowner')} end
      ) order by a.attnum), '[]')::text
      from pg_attribute a left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
      where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm') and ${s.namespace} and ${s.relation} and ${s.notExtension('pg_class', 'c.oid')}`;

/** Constraints declared on the table itself: not NOT NULL (PG 18 lists those too; the column says it), not inherited or cloned to a partition. */
export const constraintsQuery = (s: Scope) => `
  select n.nspname as schema, c.relname as table, k.conname as name, k.contype as kind, pg_get_constraintdef(k.oid) as definition,
    (select coalesce(json_agg(a.attname order by x.ord), '[]')::text from unnest(k.conkey) with ordinality x(attnum, ord)
      join pg_attribute a on a.attrelid = k.conrelid and a.attnum = x.attnum) as columns,
    fn.nspname as ref_schema, f.relname as ref_table,
    (select coalesce(json_agg(a.attname order by x.ord), '[]')::text from unnest(k.confkey) with ordinality x(attnum, ord)
      join pg_attribute a on a.attrelid = k.confrelid and a.attnum = x.attnum) as ref_columns,
    ${commentOf('k.oid', 'pg_constraint')} as comment
  from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
  left join pg_class f on f.oid = k.confrelid left join pg_namespace fn on fn.oid = f.relnamespace
  where k.contype in ('p', 'u', 'f', 'c', 'x') and k.conislocal and k.conparentid = 0
    and ${s.namespace} and ${s.relation} and ${s.notExtension('pg_class', 'c.oid')}`;

/** Indexes no constraint owns, leaving out a partition's copies of its parent's indexes. */
export const indexesQuery = (s: Scope) => `
  select n.nspname as schema, c.relname as table, ic.relname as name, pg_get_indexdef(i.indexrelid) as definition,
    i.indisunique as unique, ${commentOf('ic.oid', 'pg_class')} as comment
  from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
  where ${s.namespace} and ${s.relation} and ${s.notExtension('pg_class', 'c.oid')}
    and not exists (select from pg_constraint k where k.conindid = i.indexrelid and k.contype in ('p', 'u', 'x') and k.conrelid = i.indrelid)
    and not exists (select from pg_inherits h where h.inhrelid = i.indexrelid)`;

export const triggersQuery = (s: Scope) => `
  select n.nspname as schema, c.relname as table, t.tgname as name, pg_get_triggerdef(t.oid) as definition,
    t.tgenabled <> 'D' as enabled, ${commentOf('t.oid', 'pg_trigger')} as comment
  from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
  where not t.tgisinternal and t.tgparentid = 0 and ${s.namespace} and ${s.relation} and ${s.notExtension('pg_class', 'c.oid')}`;

export const policiesQuery = (s: Scope) => `
  select n.nspname as schema, c.relname as table, p.polname as name, p.polpermissive as permissive,
    case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end as command,
    (select coalesce(json_agg(case when r.oid = 0 then 'PUBLIC' else (select rolname from pg_roles where oid = r.oid) end), '[]')::text
      from unnest(p.polroles) r(oid)) as roles,
    pg_get_expr(p.polqual, p.polrelid) as using_expr, pg_get_expr(p.polwithcheck, p.polrelid) as with_check,
    ${commentOf('p.oid', 'pg_policy')} as comment
  from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
  where ${s.namespace} and ${s.relation} and ${s.notExtension('pg_class', 'c.oid')}`;

/**
 * Functions, procedures and aggregates. An aggregate has no pg_get_functiondef: its CREATE AGGREGATE
 * is assembled from pg_aggregate (transition and final functions, state type, initial value; the
 * rarer moving-aggregate and combine options are not read). Window functions are left out.
 */
export const functionsQuery = (s: Scope) => `
  select n.nspname as schema, p.proname as name, pg_get_function_identity_arguments(p.oid) as arguments,
    p.prokind as kind, case when p.prokind = 'a' then (select 'CREATE AGGREGATE ' || quote_ident(n.nspname) || '.' || quote_ident(p.proname)
        || '(' || pg_get_function_identity_arguments(p.oid) || ') (SFUNC = ' || a.aggtransfn::regproc::text || ', STYPE = ' || format_type(a.aggtranstype, null)
        || coalesce(', FINALFUNC = ' || nullif(a.aggfinalfn, 0)::regproc::text, '') || coalesce(', INITCOND = ' || quote_literal(a.agginitval), '') || ')'
      from pg_aggregate a where a.aggfnoid = p.oid) else pg_get_functiondef(p.oid) end as definition, ${commentOf('p.oid', 'pg_proc')} as comment,
    ${aclJson('p.proacl', 'f', 'p.proowner')} as grants, ${defaultPublicJson('f', 'p.proowner')} as default_public
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where p.prokind in ('f', 'p', 'a') and ${s.namespace} and ${s.notExtension('pg_proc', 'p.oid')}`;
