import { sql, type Kysely } from 'kysely';

/** One table's contents, as recorded in a manifest and compared after a restore. */
export interface TableSnapshot {
  schema: string;
  name: string;
  /** Row count; null in a schema-only manifest. */
  rows: number | null;
  /** Content hash; null in a schema-only manifest. */
  hash: string | null;
}

/**
 * Output settings that change how a row prints as text. Fixed for the hashing transaction so the
 * same rows hash the same on any server, PGlite included, whatever the session's defaults.
 */
export const CANONICAL_SETTINGS = [
  `set local timezone = 'UTC'`,
  `set local datestyle = 'ISO, MDY'`,
  `set local intervalstyle = 'postgres'`,
  `set local extra_float_digits = 1`,
  `set local bytea_output = 'hex'`,
];

/** User tables: ordinary and partition leaves outside system schemas, not owned by an extension. */
export async function listUserTables(db: Kysely<any>): Promise<Array<{ schema: string; name: string }>> {
  const { rows } = await sql<{ schema: string; name: string }>`
    select n.nspname as schema, c.relname as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r'
      and n.nspname not in ('pg_catalog', 'information_schema')
      and n.nspname not like 'pg\\_%'
      and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
    order by n.nspname::text collate "C", c.relname::text collate "C"`.execute(db);
  return rows;
}

/**
 * Row count and content hash of every user table. The hash is order-independent and needs constant
 * memory: each row's text is md5-hashed, the two 64-bit halves are summed over the table, and the
 * count and sums are hashed once more. No sort, no giant string, so it scales with the table.
 * Run inside a transaction (`db` may be one) because of the SET LOCALs.
 */
export async function snapshotTables(db: Kysely<any>, options: { content: boolean; distributed?: 'citus' }): Promise<TableSnapshot[]> {
  const tables = await listUserTables(db);
  if (!options.content) return tables.map((t) => ({ ...t, rows: null, hash: null }));
  // Citus computes a distributed table's rows' text on the workers: they must get the same settings.
  if (options.distributed === 'citus') await sql.raw(`set local citus.propagate_set_commands = 'local'`).execute(db);
  for (const setting of CANONICAL_SETTINGS) await sql.raw(setting).execute(db);
  const out: TableSnapshot[] = [];
  for (const t of tables) {
    const { rows } = await sql<{ rows: string; hash: string }>`
      with h as (select md5(r::text) as m from ${sql.id(t.schema, t.name)} as r)
      select count(*)::text as rows,
        md5(count(*)::text || ':' ||
            coalesce(sum(('x' || substr(m, 1, 16))::bit(64)::bigint), 0)::text || ':' ||
            coalesce(sum(('x' || substr(m, 17, 16))::bit(64)::bigint), 0)::text) as hash
      from h`.execute(db);
    out.push({ ...t, rows: Number(rows[0].rows), hash: rows[0].hash });
  }
  return out;
}

/** Whether a database holds any user table (restoring over it would be destructive). */
export async function hasUserTables(db: Kysely<any>): Promise<boolean> {
  return (await listUserTables(db)).length > 0;
}

/** Whether any of `tables` holds a row (a data-only restore over them would be destructive). */
export async function anyRows(db: Kysely<any>, tables: Array<{ schema: string; name: string }>): Promise<boolean> {
  const present = new Set((await listUserTables(db)).map((t) => `${t.schema}.${t.name}`));
  for (const t of tables) {
    if (!present.has(`${t.schema}.${t.name}`)) continue;
    const { rows } = await sql<{ any: boolean }>`select exists (select 1 from ${sql.id(t.schema, t.name)}) as any`.execute(db);
    if (rows[0].any) return true;
  }
  return false;
}

/** Drops every user schema (and so every object in them), leaving an empty `public`. */
export async function wipeSchemas(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select nspname as name from pg_namespace
    where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg\\_%'
    order by 1`.execute(db);
  await db.transaction().execute(async (trx) => {
    for (const r of rows) await sql`drop schema ${sql.id(r.name)} cascade`.execute(trx);
    await sql`create schema if not exists public`.execute(trx);
  });
  return rows.map((r) => r.name);
}

/** Empties `tables` (a data-only restore with --clean), restarting their identities. */
export async function truncateTables(db: Kysely<any>, tables: Array<{ schema: string; name: string }>): Promise<void> {
  const present = new Set((await listUserTables(db)).map((t) => `${t.schema}.${t.name}`));
  const ids = tables.filter((t) => present.has(`${t.schema}.${t.name}`)).map((t) => sql.id(t.schema, t.name));
  if (ids.length) await sql`truncate ${sql.join(ids)} restart identity cascade`.execute(db);
}

/** Server version as text and number (`show` works the same on PGlite). */
export async function serverVersion(db: Kysely<any>): Promise<{ text: string; num: number }> {
  const { rows } = await sql<{ text: string; num: string }>`select current_setting('server_version') as text, current_setting('server_version_num') as num`.execute(db);
  return { text: rows[0].text.split(' ')[0], num: Number(rows[0].num) };
}
