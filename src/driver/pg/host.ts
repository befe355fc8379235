import { ConfigError, LockTimeoutError, RefusedError, type ConnectionError } from '../../errors.js';
import { capabilitiesOf, MAINTENANCE_DATABASE, type Host, type HostOptions, type Session } from '../host.js';
import { openDatabase, type Database } from '../database.js';
import { quoteIdent } from '../../sql/quote.js';
import { hasSqlstate } from '../../sql/sqlstate.js';
import { serverAddress, siblingTarget, type Target } from '../target.js';
import { pollUntil } from '../../poll-until.js';

type ServerTarget = Extract<Target, { kind: 'pg' }>;

export { MAINTENANCE_DATABASE } from '../host.js';

/**
 * How clones are copied on Postgres 15+. Measured on this project's Postgres 15 with a small
 * template (docs/testing.md, test databases): WAL_LOG ~35 ms, FILE_COPY ~110 ms per clone, because
 * FILE_COPY forces a checkpoint before and after the copy, which costs more than writing a few MB
 * of WAL. `DBCTL_TESTDB_STRATEGY=FILE_COPY` switches for servers where the balance differs.
 */
export function cloneStrategy(serverVersionNum: number, environ = process.env): string | null {
  if (serverVersionNum < 150000) return null;
  // An empty or misspelt value is refused, not read as the default.
  const chosen = (environ.DBCTL_TESTDB_STRATEGY ?? 'WAL_LOG').trim().toUpperCase();
  if (chosen !== 'FILE_COPY' && chosen !== 'WAL_LOG') {
    throw new ConfigError(`DBCTL_TESTDB_STRATEGY must be WAL_LOG or FILE_COPY, got ${JSON.stringify(environ.DBCTL_TESTDB_STRATEGY)}`, { hint: 'unset it for WAL_LOG' });
  }
  return chosen;
}

/**
 * A server's databases; with `options.distributed`, on every node of the Citus cluster the
 * database `target` names belongs to, when it does (citus.ts). Managed through its maintenance
 * database (`postgres`, or the URL's own database on a server that has none). Two pooled
 * sessions: a held lock keeps one while the work goes on the other. No Kysely: a clone from a warm
 * template needs `pg` alone.
 */
export async function serverHost(target: ServerTarget, options: HostOptions = {}): Promise<Host> {
  const host = await plainServerHost(target, options);
  // Only a server that preloads Citus can hold a Citus database: others are not asked (no connection).
  if (!options.distributed || !PRELOADS_CITUS.test(host.preload)) return host;
  const { citusHost } = await import('./citus.js');
  const cluster = await citusHost(host, target).catch(async (error) => {
    await host.close();
    throw error;
  });
  return cluster ?? host;
}

const PRELOADS_CITUS = /(^|[\s,])citus([\s,]|$)/;

async function plainServerHost(target: ServerTarget, options: HostOptions): Promise<Host & { preload: string }> {
  const admin = await openMaintenance(target, options);
  const q = <R = any>(text: string, values?: unknown[]) => admin.query<R>(text, values);
  const settings = await serverSettings(admin);
  const version = Number(settings.version);
  const strategy = cloneStrategy(version);
  const exists = async (name: string) => (await q('select 1 from pg_catalog.pg_database where datname = $1', [name])).rows.length > 0;
  const sessions = async (name: string) =>
    (await q<Session>(`select pid, usename as user, coalesce(application_name, '') as application, host(client_addr) as client, state,
      to_char(backend_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as since
      from pg_catalog.pg_stat_activity
      where datname = $1 and pid <> pg_backend_pid()
      order by backend_start`, [name])).rows;
  const urlOf = (name: string) => siblingTarget(target, name, options.cwd ?? process.cwd());

  return {
    capabilities: capabilitiesOf(target),
    label: `${serverAddress(target)}`,
    preload: settings.preload,
    role: target.user,
    urlOf,
    exists,
    sessions,
    async create(name, { template } = {}) {
      if (!template && (await exists(name))) return { target: urlOf(name), created: false, strategy: 'existing' };
      try {
        await q(`create database ${quoteIdent(name)}${template ? ` template ${quoteIdent(template)}` : ''}${template && strategy ? ` strategy ${strategy}` : ''}`);
      } catch (error) {
        // A concurrent create of the same name counts as existing.
        if (hasSqlstate(error, 'duplicate_database') && !template) return { target: urlOf(name), created: false, strategy: 'existing' };
        throw error;
      }
      return { target: urlOf(name), created: true, strategy: template ? (strategy ?? 'default') : 'empty' };
    },
    /**
     * Open sessions refuse the drop (exit 5) with who they are, unless `force`: then `WITH (FORCE)`
     * on PostgreSQL 13+, or terminating them first.
     */
    async drop(name, { force = false, template = false } = {}) {
      if (!(await exists(name))) return { dropped: false, disconnected: 0 };
      if (template) await q(`alter database ${quoteIdent(name)} with is_template false`).catch(() => {});
      const open = force ? await sessions(name) : await sessionsAfterGrace(() => sessions(name));
      if (open.length && !force) throw inUse(name, open);
      const forceClause = force && version >= 130000;
      if (force && !forceClause) {
        await q('select pg_terminate_backend(pid) from pg_catalog.pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      }
      try {
        await q(`drop database if exists ${quoteIdent(name)}${forceClause ? ' with (force)' : ''}`);
      } catch (error) {
        // Someone connected between the check and the drop.
        if (hasSqlstate(error, 'object_in_use')) throw inUse(name, await sessions(name));
        throw error;
      }
      return { dropped: true, disconnected: force ? open.length : 0 };
    },
    async list() {
      return (await q<{ datname: string }>('select datname from pg_catalog.pg_database order by datname')).rows.map((r) => r.datname);
    },
    async isTemplate(name) {
      return (await q('select 1 from pg_catalog.pg_database where datname = $1 and datistemplate', [name])).rows.length > 0;
    },
    async templateIdentity(name) {
      return (await q<{ id: string }>(`select oid::text || ':' || xmin::text as id from pg_catalog.pg_database where datname = $1 and datistemplate and not datallowconn`, [name])).rows[0]?.id;
    },
    async markTemplate(name) {
      // No connections: CREATE DATABASE … TEMPLATE fails while anyone is connected to the template.
      await q(`alter database ${quoteIdent(name)} with is_template true allow_connections false`);
    },
    withLock: (name, timeoutMs, fn) => withAdvisoryLock(admin, name, timeoutMs, fn),
    close: () => admin.close(),
  };
}

/** The server's version and preloaded libraries; the maintenance session is closed when they cannot be read. */
async function serverSettings(admin: Database): Promise<{ version: number; preload: string }> {
  // shared_preload_libraries is readable only by superusers (and pg_read_all_settings): through
  // pg_settings an ordinary role sees no row instead of an error, and then Citus is not assumed.
  try {
    return (await admin.query(`select current_setting('server_version_num')::int as version,
      coalesce((select setting from pg_settings where name = 'shared_preload_libraries'), '') as preload`)).rows[0];
  } catch (error) {
    await admin.close();
    throw error;
  }
}

const LOCK_NAMESPACE = 'dbctl testdb';

/** A session advisory lock on one held session, released in `finally`. */
async function withAdvisoryLock<T>(admin: Database, name: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  return admin.session(async (client) => {
    await client.query(`set lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    try {
      await client.query('select pg_advisory_lock(hashtext($1), hashtext($2))', [LOCK_NAMESPACE, name]);
    } catch (error) {
      if (!hasSqlstate(error, 'lock_not_available')) throw error;
      throw new LockTimeoutError(`timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for another process holding the lock on ${name}`, { data: { lock: name } });
    } finally {
      await client.query('reset lock_timeout');
    }
    try {
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1), hashtext($2))', [LOCK_NAMESPACE, name]).catch(() => {});
    }
  });
}

/** The maintenance database, or the URL's own database when the server has no `postgres`. */
async function openMaintenance(target: ServerTarget, options: HostOptions): Promise<Database> {
  const open = (database: string) =>
    openDatabase({
      target: siblingTarget(target, database, options.cwd ?? process.cwd()),
      cwd: options.cwd,
      connectTimeoutMs: options.connectTimeoutMs,
      poolSize: 2,
      applicationName: options.applicationName ?? 'dbctl',
    });
  try {
    return await open(MAINTENANCE_DATABASE);
  } catch (error) {
    if ((error as ConnectionError).code !== 'database_missing' || target.database === MAINTENANCE_DATABASE) throw error;
    return open(target.database);
  }
}

/**
 * A client that has just closed its connection can still be listed for a few milliseconds while
 * its backend exits (CI saw it once right after `close()`). DROP DATABASE itself waits up to 5 s
 * for such backends; a short grace here keeps "someone has it open" for sessions that stay.
 */
async function sessionsAfterGrace(list: () => Promise<Session[]>, graceMs = 1000, stepMs = 50): Promise<Session[]> {
  const until = Date.now() + graceMs;
  return pollUntil(async () => {
    const open = await list();
    return !open.length || Date.now() >= until ? open : undefined;
  }, { delayMs: stepMs, factor: 1 });
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
    data: { database: name, connections: sessions },
    failureReport: `connected to "${name}":\n${lines.join('\n')}`,
  }, 'database_in_use');
}
