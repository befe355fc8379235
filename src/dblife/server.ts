import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../driver/open.js';
import { withDatabase, type Target } from '../driver/url.js';
import { isPostgresError } from '../driver/sql-error.js';
import { codeForSqlstate, errorFor, RefusedError, UsageError } from '../errors.js';

type PgTarget = Extract<Target, { kind: 'pg' }>;

/** The database every server has, through which others are created and dropped. */
export const MAINTENANCE_DATABASE = 'postgres';

export interface Session {
  pid: number;
  user: string | null;
  application: string;
  client: string | null;
  state: string | null;
  since: string | null;
}

export interface ServerOptions {
  connectTimeoutMs?: number;
}

/** Runs `fn` on the maintenance database of `target`'s server (never on `target` itself). */
export async function withMaintenance<T>(target: PgTarget, options: ServerOptions, operation: string, fn: (db: Kysely<any>) => Promise<T>): Promise<T> {
  if (target.database === MAINTENANCE_DATABASE) {
    throw new UsageError(`${operation} refused: "${MAINTENANCE_DATABASE}" is the maintenance database dbctl works through`, {
      hint: 'name another database in --url / DATABASE_URL',
    });
  }
  const database = await openDatabase({ url: withDatabase(target.url, MAINTENANCE_DATABASE), connectTimeoutMs: options.connectTimeoutMs, poolSize: 1 });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

export async function serverDatabaseExists(db: Kysely<any>, name: string): Promise<boolean> {
  const { rows } = await sql`select 1 from pg_catalog.pg_database where datname = ${name}`.execute(db);
  return rows.length > 0;
}

/** Creates the database; false when it already existed (a concurrent create counts as existing). */
export async function createServerDatabase(db: Kysely<any>, name: string): Promise<boolean> {
  if (await serverDatabaseExists(db, name)) return false;
  try {
    await sql`create database ${sql.id(name)}`.execute(db);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '42P04') return false;
    throw serverRefusal('create', name, error);
  }
}

/** Who else is connected to `name` (pg_stat_activity), for `db drop` to explain or disconnect. */
export async function sessionsOn(db: Kysely<any>, name: string): Promise<Session[]> {
  const { rows } = await sql<Session>`
    select pid, usename as user, coalesce(application_name, '') as application, host(client_addr) as client, state,
      to_char(backend_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as since
    from pg_catalog.pg_stat_activity
    where datname = ${name} and pid <> pg_backend_pid()
    order by backend_start`.execute(db);
  return rows;
}

/**
 * Drops the database; false when it did not exist. Open sessions refuse the drop (exit 5) with who
 * they are, unless `force`: then `WITH (FORCE)` on PostgreSQL 13+, or terminating them first.
 */
export async function dropServerDatabase(db: Kysely<any>, name: string, force: boolean): Promise<{ dropped: boolean; disconnected: number }> {
  if (!(await serverDatabaseExists(db, name))) return { dropped: false, disconnected: 0 };
  const sessions = await sessionsOn(db, name);
  if (sessions.length && !force) throw inUse(name, sessions);
  const { rows } = await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(db);
  const forceClause = force && Number(rows[0].v) >= 130000;
  if (force && !forceClause) {
    await sql`select pg_terminate_backend(pid) from pg_catalog.pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`.execute(db);
  }
  try {
    await sql`drop database if exists ${sql.id(name)}${forceClause ? sql` with (force)` : sql``}`.execute(db);
  } catch (error) {
    // Someone connected between the check and the drop.
    if ((error as { code?: string }).code === '55006') throw inUse(name, await sessionsOn(db, name));
    throw serverRefusal('drop', name, error);
  }
  return { dropped: true, disconnected: force ? sessions.length : 0 };
}

/** The server said no (no CREATEDB right, not the owner…): its words, not a stack trace. */
function serverRefusal(verb: string, name: string, error: unknown): unknown {
  if (!isPostgresError(error)) return error;
  return errorFor(codeForSqlstate(error.code) ?? (verb === 'create' ? 'create_failed' : 'drop_failed'), `cannot ${verb} database "${name}": ${error.message} (SQLSTATE ${error.code})`, {
    hint: error.code === '42501' ? `connect as a role allowed to ${verb} databases (CREATEDB, or the owner)` : undefined,
    data: { database: name, sqlstate: error.code },
  });
}

function inUse(name: string, sessions: Session[]): RefusedError {
  const count = (values: string[]) => {
    const tally = new Map<string, number>();
    for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
    return [...tally].map(([v, n]) => `${v} (${n})`).join(', ');
  };
  const users = count(sessions.map((s) => s.user ?? '?'));
  const apps = count(sessions.map((s) => s.application || '(unnamed)'));
  const lines = sessions.map((s) => `  pid ${s.pid}  user ${s.user ?? '?'}  application ${s.application || '(unnamed)'}  from ${s.client ?? 'local socket'}  ${s.state ?? ''}  since ${s.since ?? '?'}`);
  return new RefusedError(`database "${name}" has ${sessions.length} open connection(s): users ${users}; applications ${apps}`, {
    hint: 'close them and retry, or pass --force to disconnect them',
    data: { database: name, connections: sessions, report: `connected to "${name}":\n${lines.join('\n')}` },
  }, 'database_in_use');
}
