import pg from 'pg';
import { connectionErrorFor } from '../driver/connect-error.js';
import { quoteIdent } from '../driver/quote.js';
import { LockTimeoutError, type ConnectionError } from '../errors.js';
import { withDatabase as withDatabaseName, type Target } from '../driver/url.js';
import type { TestdbHost } from './host.js';
import { createDatabaseError } from './server-errors.js';

/**
 * How clones are copied on Postgres 15+. Measured on this project's Postgres 15 with a small
 * template (README, section testdb): WAL_LOG ~35 ms, FILE_COPY ~110 ms per clone, because
 * FILE_COPY forces a checkpoint before and after the copy, which costs more than writing a few MB
 * of WAL. `DBCTL_TESTDB_STRATEGY=FILE_COPY` switches for servers where the balance differs.
 */
export function cloneStrategy(serverVersionNum: number, environ = process.env): string | null {
  if (serverVersionNum < 150000) return null;
  const chosen = (environ.DBCTL_TESTDB_STRATEGY ?? 'WAL_LOG').toUpperCase();
  return chosen === 'FILE_COPY' ? 'FILE_COPY' : 'WAL_LOG';
}

const LOCK_NAMESPACE = 'dbctl testdb';

/** A server host, and whether the server preloads Citus (then the configured database may be a Citus cluster's). */
export type ServerHost = TestdbHost & { citusLoaded: boolean };

/** Test databases on a server, managed through one session on its maintenance database. */
export async function serverHost(target: Extract<Target, { kind: 'pg' }>, lockTimeoutMs: number): Promise<ServerHost> {
  const admin = await connectMaintenance(target);
  const q = (text: string, values?: unknown[]) => admin.query(text, values);
  // shared_preload_libraries is readable only by superusers (and pg_read_all_settings): through
  // pg_settings an ordinary role sees no row instead of an error, and then Citus is not assumed.
  const settings = (await q(`select current_setting('server_version_num')::int as version,
    coalesce((select setting from pg_settings where name = 'shared_preload_libraries'), '') as preload`)).rows[0];
  const version = Number(settings.version);
  const strategy = cloneStrategy(version);

  const create = async (name: string, template?: string) => {
    try {
      await q(`create database ${quoteIdent(name)}${template ? ` template ${quoteIdent(template)}` : ''}${template && strategy ? ` strategy ${strategy}` : ''}`);
    } catch (error) {
      const sessions = (error as { code?: string }).code === '55006' && template ? await sessionsOn(template) : [];
      throw createDatabaseError(error, name, template, target.user, sessions) ?? error;
    }
  };
  const sessionsOn = async (database: string) =>
    (await q(`select pid, coalesce(nullif(application_name, ''), '?') as app from pg_stat_activity where datname = $1`, [database])).rows.map(
      (r) => `pid ${r.pid} (${r.app})`,
    );

  return {
    citusLoaded: /(^|[\s,])citus([\s,]|$)/.test(settings.preload),
    async hasTemplate(name) {
      return (await q('select 1 from pg_database where datname = $1 and datistemplate', [name])).rows.length > 0;
    },
    async withBuildLock(name, fn) {
      await q(`set lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
      try {
        await q('select pg_advisory_lock(hashtext($1), hashtext($2))', [LOCK_NAMESPACE, name]);
      } catch (error) {
        if ((error as { code?: string }).code !== '55P03') throw error;
        throw new LockTimeoutError(`timed out after ${(lockTimeoutMs / 1000).toFixed(1)} s waiting for another process building template ${name}`, {
          hint: 'a template build (migrate + seed) is slow or stuck; raise --lock-timeout or stop that process',
        });
      } finally {
        await q('reset lock_timeout');
      }
      try {
        return await fn();
      } finally {
        await q('select pg_advisory_unlock(hashtext($1), hashtext($2))', [LOCK_NAMESPACE, name]).catch(() => {});
      }
    },
    async buildTemplate(name, fill) {
      // A half-built template from a killed builder is not marked as a template: start over.
      await q(`drop database if exists ${quoteIdent(name)} with (force)`);
      await create(name);
      try {
        await fill(withDatabaseName(target.url, name));
        // No connections: CREATE DATABASE … TEMPLATE fails while anyone is connected to the template.
        await q(`alter database ${quoteIdent(name)} with is_template true allow_connections false`);
      } catch (error) {
        await q(`drop database if exists ${quoteIdent(name)} with (force)`).catch(() => {});
        throw error;
      }
    },
    async clone(name, template) {
      await create(name, template);
      return { url: withDatabaseName(target.url, name), strategy: template ? (strategy ?? 'default') : 'empty' };
    },
    async list() {
      return (await q('select datname from pg_database order by datname')).rows.map((r) => r.datname);
    },
    async drop(name) {
      await q(`alter database ${quoteIdent(name)} with is_template false`).catch(() => {});
      await q(`drop database if exists ${quoteIdent(name)} with (force)`);
    },
    close: () => admin.end(),
  };
}

/** A session on the server's `postgres` database, or on the URL's own database when there is none. */
async function connectMaintenance(target: Extract<Target, { kind: 'pg' }>): Promise<pg.Client> {
  const connect = async (database: string) => {
    const client = new pg.Client({ connectionString: withDatabaseName(target.url, database), application_name: 'dbctl testdb' });
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch (error) {
      throw connectionErrorFor(error, { ...target, database }, 0);
    }
  };
  try {
    return await connect('postgres');
  } catch (error) {
    if ((error as ConnectionError).code !== 'database_missing' || target.database === 'postgres') throw error;
    return connect(target.database);
  }
}
