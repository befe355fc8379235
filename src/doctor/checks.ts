import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { ConfigOrigin } from '../config/props.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { embeddedDirOf } from '../driver/pglite/inspect.js';
import type { Database } from '../driver/database.js';
import { backendOf, type Target } from '../driver/target.js';
import { listMigrationFiles } from '../migrate/files.js';
import { section, type Section } from './report.js';

/** Sessions running longer than this are reported (they would block a migration's DDL). */
export const LONG_RUNNING_SECONDS = 60;

export function configSection(origin: ConfigOrigin): Section {
  return section('ok', `${origin.file ?? 'no config file (defaults)'}; environment ${origin.env} (from ${origin.envSource}); URL from ${origin.urlSource}`, { ...origin });
}

export async function connectionSection(database: Database, config?: ResolvedConfig): Promise<Section> {
  const db = await database.kysely();
  const { rows } = await sql<{ server_version: string }>`show server_version`.execute(db);
  // Median of three round trips: the first pays for connection warm-up.
  const trips: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await sql`select 1`.execute(db);
    trips.push(performance.now() - started);
  }
  const latencyMs = Math.round(trips.sort((a, b) => a - b)[1] * 100) / 100;
  const ssl = database.capabilities.concurrentSessions
    ? await sql<{ ssl: boolean }>`select ssl from pg_stat_ssl where pid = pg_backend_pid()`.execute(db).then((r) => r.rows[0]?.ssl ?? false)
    : null;
  const backend = backendOf(database.target);
  const production = productionNote(database, rows[0].server_version, config?.postgres?.version);
  return section('ok', `${backend.label}, PostgreSQL ${rows[0].server_version}, ${latencyMs} ms round trip${ssl === null ? '' : ssl ? ', SSL' : ', no SSL'}${production.note}`, {
    backend: backend.id,
    serverVersion: rows[0].server_version,
    latencyMs,
    ssl,
    production: production.facts,
  });
}

/**
 * The production server's major (`postgres.version`) against this database's. A note, not a
 * problem: on the embedded database migrate up and lint check against the configured major; a
 * server of another major is worth knowing (tests there do not prove what production accepts).
 */
function productionNote(database: Database, serverVersion: string, configured: number | undefined): { note: string; facts: Record<string, unknown> } {
  const major = Number.parseInt(serverVersion, 10);
  const facts = { version: configured ?? null, major, checked: !!database.capabilities.standIn && configured !== undefined && configured < major };
  if (database.capabilities.standIn) {
    if (configured === undefined) return { note: `; postgres.version is not set: SQL only PostgreSQL ${major} accepts passes here unnoticed`, facts };
    if (configured !== major) return { note: `; production runs PostgreSQL ${configured} (postgres.version)${facts.checked ? `: migrate up and lint refuse what ${configured} lacks` : ', newer than this one'}`, facts };
    return { note: '', facts };
  }
  if (configured !== undefined && configured !== major) return { note: `; postgres.version says production runs ${configured}, this server is ${major}`, facts };
  return { note: '', facts };
}

/** pgvector: missing only matters when a migration creates it. */
export async function extensionsSection(database: Database, config: ResolvedConfig): Promise<Section> {
  const { rows } = await sql<{ name: string; default_version: string; installed_version: string | null }>`
    select name, default_version, installed_version from pg_available_extensions where name = 'vector'`.execute(await database.kysely());
  const installed = await sql<{ extname: string; extversion: string }>`select extname, extversion from pg_extension order by extname`.execute(await database.kysely());
  // A missing migrations folder is the migrations section's finding, not this one's.
  const files = fs.existsSync(config.migrations.dir) ? listMigrationFiles(config.migrations.dir) : [];
  const needed = files.some((m) => /create\s+extension[^;]*\bvector\b/i.test(fs.readFileSync(m.file, 'utf8')));
  const vector = { available: rows.length > 0, installed: rows[0]?.installed_version ?? null, needed };
  const status = needed && !vector.available ? 'attention' : 'ok';
  const summary = `vector ${vector.installed ? `${vector.installed} installed` : vector.available ? 'available, not installed' : 'not available'}${status === 'attention' ? ' but a migration creates it' : ''}`;
  return section(status, summary, { vector, installed: installed.rows.map((r) => `${r.extname} ${r.extversion}`) });
}

export async function migrationsSection(database: Database, config: ResolvedConfig): Promise<Section> {
  const { Migrator, migratorConfig } = await import('../migrate/migrator.js');
  const { migrations, summary } = await new Migrator({ database, ...migratorConfig(config) }).status();
  const names = (state: string) => migrations.filter((m) => m.state === state).map((m) => m.name);
  const bad = summary.pending + summary.modified + summary.missing;
  return section(bad ? 'attention' : 'ok', `${summary.applied} applied, ${summary.pending} pending, ${summary.modified} modified, ${summary.missing} missing`, {
    ...summary,
    pendingNames: names('pending'),
    modifiedNames: names('modified'),
    missingNames: names('missing'),
  });
}

export async function lockSection(database: Database): Promise<Section> {
  if (!database.capabilities.concurrentSessions) return section('skipped', 'not applicable: the embedded database is one session', { holder: null });
  const { lockHolder } = await import('../migrate/lock.js');
  const holder = await lockHolder(database);
  return holder
    ? section('attention', `held by pid ${holder.pid} (${holder.applicationName || '?'}) since ${holder.since}: a migration is running or stuck`, { holder })
    : section('ok', 'free', { holder: null });
}

/**
 * Sessions idle in a transaction, or running longer than LONG_RUNNING_SECONDS, that hold a lock on
 * a table in the managed schemas: a migration's ALTER TABLE would wait behind them.
 */
export async function sessionsSection(database: Database, config: ResolvedConfig): Promise<Section> {
  if (!database.capabilities.concurrentSessions) return section('skipped', 'not applicable: the embedded database is one session', { sessions: [] });
  const schemas = [...new Set([config.migrations.schema, ...(config.typegen.schemas ?? [])])];
  const { rows } = await sql<any>`
    select a.pid, a.state, a.application_name, a.client_addr::text as client,
           extract(epoch from now() - coalesce(a.xact_start, a.query_start))::int as seconds,
           left(a.query, 200) as query,
           array_agg(distinct n.nspname || '.' || c.relname order by n.nspname || '.' || c.relname) as tables
    from pg_stat_activity a
    join pg_locks l on l.pid = a.pid and l.locktype = 'relation' and l.granted
    join pg_class c on c.oid = l.relation and c.relkind in ('r', 'p', 'v', 'm')
    join pg_namespace n on n.oid = c.relnamespace
    where a.datname = current_database() and a.pid <> pg_backend_pid()
      and n.nspname in (${sql.join(schemas)})
      and (a.state like 'idle in transaction%'
           or (a.state = 'active' and now() - a.query_start > make_interval(secs => ${LONG_RUNNING_SECONDS})))
    group by a.pid, a.state, a.application_name, a.client_addr, a.xact_start, a.query_start, a.query
    order by seconds desc`.execute(await database.kysely());
  const sessions = rows.map((r: any) => ({ pid: r.pid, state: r.state, applicationName: r.application_name, client: r.client, seconds: r.seconds, query: r.query, tables: r.tables }));
  if (!sessions.length) return section('ok', 'no session idle in a transaction or running long on the managed tables', { sessions });
  const list = sessions.map((s: any) => `pid ${s.pid} ${s.state} for ${s.seconds} s on ${s.tables.join(', ')}`).join('; ');
  return section('attention', `${sessions.length} session(s) would block DDL: ${list}`, { sessions });
}

/** Generated types against the live database. */
export async function typesSection(database: Database, config: ResolvedConfig): Promise<Section> {
  const file = path.relative(config.cwd, config.typegen.out);
  if (!fs.existsSync(config.typegen.out)) return section('skipped', `no generated types at ${file}`, { state: 'missing', file });
  // Loaded only when there is a file to compare: typegen brings kysely-codegen.
  const { checkTypes } = await import('../typegen/index.js');
  const result = await checkTypes(database, config);
  return result.fresh
    ? section('ok', `${file} is fresh`, { state: 'fresh', file })
    : section('attention', `${file} is stale: run \`dbctl typegen\``, { state: 'stale', file });
}

/** The embedded data directory: present, a PGlite cluster, and who (if anyone) has it open. */
export function pgliteSection(target: Target): Section {
  const dir = embeddedDirOf(target);
  if (dir === undefined) return section('skipped', 'not applicable: a database server', {});
  if (dir === null) return section('ok', 'in memory', { dataDir: null });
  const { dataDir, exists, pgVersion, server, refusal, lockedBy } = dir;
  const facts = { dataDir, exists, pgVersion, lockedBy };
  if (!exists) return section('attention', `${dataDir} does not exist yet: run \`dbctl migrate up\``, facts);
  if (server) return section('attention', `${dataDir} ${refusal}: point pglite:// at a directory of its own`, facts);
  if (!pgVersion) return section('attention', `${dataDir} is not a PGlite data directory (no PG_VERSION): move it away`, facts);
  if (lockedBy) return section('attention', `${dataDir} is open in another process (pid ${lockedBy.pid} since ${lockedBy.since})`, facts);
  return section('ok', `${dataDir} (PostgreSQL ${pgVersion})`, facts);
}
