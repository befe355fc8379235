import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve.js';
import { VERSION } from '../version.js';
import type { CopyTable, Graph, Reference } from './graph.js';

/**
 * Where a copy keeps what it read of a catalog (a target's, a source's), to take it again while
 * that catalog's FINGERPRINT is the same: the project's node_modules/.cache/dbctl/ (none without a
 * node_modules), a folder nobody commits, which `npm ci` empties. It holds schemas (names, types,
 * keys), never a row. `parts` name the database; besides them the entry depends on dbctl's own
 * reading of a catalog and on where the migrations keep their bookkeeping (left out of it).
 */
export function catalogCacheFile(config: ResolvedConfig, kind: 'copy-target' | 'copy-source', parts: string[]): string | undefined {
  const modules = path.join(config.cwd, 'node_modules');
  if (!fs.existsSync(modules)) return undefined;
  const m = config.migrations;
  const key = createHash('sha256').update(JSON.stringify([VERSION, ...parts, m.schema, m.table, m.lockTable, m.historyTable])).digest('hex').slice(0, 20);
  return path.join(modules, '.cache', 'dbctl', `${kind}-${key}.json`);
}

/** A graph as a cache entry holds it (JSON has no Map). */
export interface StoredGraph {
  tables: CopyTable[];
  references: Reference[];
}

export function storedGraph(graph: Graph): StoredGraph {
  return { tables: [...graph.tables.values()], references: graph.references };
}

export function graphOf(stored: StoredGraph): Graph {
  return { tables: new Map(stored.tables.map((t) => [`${t.schema}.${t.table}`, t])), references: stored.references };
}

/**
 * The catalog rows of every user object (oid 16384 and up) and of the schemas, each by its oid and
 * its row version (xmin): any DDL adds, removes or rewrites one of them; a database cloned from a
 * template has the very same rows. VACUUM and ANALYZE update pg_class in place (its xmin stays).
 * The roles granted anything here by name too: grants are read by role name, and a renamed role
 * rewrites no row here. Only those: roles are the server's, and any other role made or dropped
 * (by another project, another test) says nothing about this catalog.
 */
export const FINGERPRINT = `select md5(string_agg(x, ',' order by x)) as fingerprint from (
  select 'n' || n.oid || ':' || n.xmin as x from pg_catalog.pg_namespace n
  union all select 'c' || c.oid || ':' || c.xmin from pg_catalog.pg_class c where c.oid >= 16384
  union all select 'a' || a.attrelid || '.' || a.attnum || ':' || a.xmin from pg_catalog.pg_attribute a where a.attrelid >= 16384
  union all select 'd' || d.oid || ':' || d.xmin from pg_catalog.pg_attrdef d
  union all select 'k' || k.oid || ':' || k.xmin from pg_catalog.pg_constraint k where k.oid >= 16384
  union all select 'p' || p.oid || ':' || p.xmin from pg_catalog.pg_proc p where p.oid >= 16384
  union all select 't' || t.oid || ':' || t.xmin from pg_catalog.pg_type t where t.oid >= 16384
  union all select 'g' || g.oid || ':' || g.xmin from pg_catalog.pg_trigger g
  union all select 'r' || r.oid || ':' || r.xmin from pg_catalog.pg_rewrite r where r.oid >= 16384
  union all select 'e' || e.oid || ':' || e.xmin from pg_catalog.pg_extension e
  union all select 'i' || i.indexrelid || ':' || i.xmin from pg_catalog.pg_index i where i.indexrelid >= 16384
  union all select 's' || s.objoid || '.' || s.classoid || '.' || s.objsubid || ':' || s.xmin from pg_catalog.pg_description s where s.objoid >= 16384
  union all select 'q' || q.seqrelid || ':' || q.xmin from pg_catalog.pg_sequence q
  union all select 'y' || y.oid || ':' || y.xmin from pg_catalog.pg_enum y
  union all select 'o' || o.oid || ':' || o.xmin from pg_catalog.pg_policy o
  union all select 'v' || v.oid || ':' || v.xmin from pg_catalog.pg_event_trigger v
  union all select 'u' || u.oid || ':' || u.xmin from pg_catalog.pg_collation u where u.oid >= 16384
  union all select 'R' || r.oid || ':' || r.rolname from pg_catalog.pg_roles r where r.oid in (
    select (pg_catalog.aclexplode(g.acl)).grantee from (
      select c.relacl as acl from pg_catalog.pg_class c where c.oid >= 16384 and c.relacl is not null
      union all select a.attacl from pg_catalog.pg_attribute a where a.attrelid >= 16384 and a.attacl is not null
      union all select n.nspacl from pg_catalog.pg_namespace n where n.nspacl is not null
      union all select p.proacl from pg_catalog.pg_proc p where p.oid >= 16384 and p.proacl is not null
      union all select t.typacl from pg_catalog.pg_type t where t.oid >= 16384 and t.typacl is not null) g)
) f`;
