import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openHostOf } from './host.js';
import { connectServerClient } from './pg/client.js';
import { MAINTENANCE_DATABASE } from './host.js';
import { quoteIdent } from '../sql/quote.js';
import { withDatabase, type Target } from './target.js';
import { RefusedError, UsageError } from '../errors.js';

/** A database being built beside its target, to replace it whole once it is complete. */
export interface Replacement {
  /** The new database's URL (postgres:// on the target's server, pglite:// beside its directory). */
  url: string;
  /** The database being replaced exists (its kept tables can be read). */
  targetExists: boolean;
  /** Puts the new database in the target's place; the old one is dropped. */
  commit(): Promise<void>;
  /** Removes the new database; the target stays as it was. */
  discard(): Promise<void>;
}

interface Where {
  cwd: string;
  connectTimeoutMs?: number;
}

/**
 * Creates an empty database next to `target` under a name of its own, so a long build (a copy)
 * never leaves the target half filled: the target changes only in `commit`, by renames. On a
 * server the target's sessions are ended then (a database in use cannot be renamed).
 */
export async function prepareReplacement(target: Target, where: Where): Promise<Replacement> {
  if (target.kind === 'pglite' && target.dataDir === null) throw new UsageError('db copy: pglite://memory lives only inside one process; copy into a pglite:// folder or a server');
  if (target.kind === 'pg' && target.database === MAINTENANCE_DATABASE) {
    throw new UsageError(`db copy refused: "${MAINTENANCE_DATABASE}" is the maintenance database dbctl works through`, { hint: 'name another database to copy into' });
  }
  const tag = crypto.randomBytes(4).toString('hex');
  if (target.kind === 'pg') await removeAbandoned(target).catch(() => {}); // best effort: the copy itself needs none of it
  const onHost = async <T>(fn: (host: Awaited<ReturnType<typeof openHostOf>>['host'], name: string) => Promise<T>) => {
    const { host, name } = await openHostOf(target, { ...where, operation: 'db copy' });
    try {
      return await fn(host, name);
    } finally {
      await host.close();
    }
  };
  const { building, url, targetExists } = await onHost(async (host, name) => {
    // Hidden beside an embedded target (a leading dot): listings skip it while it is built.
    const building = target.kind === 'pg' ? `${name.slice(0, 36)}_dbctl_copy_${tag}` : `.${name}.dbctl-copy-${tag}`;
    const targetExists = await host.exists(name);
    const { target: made } = await host.create(building);
    return { building, url: made.url, targetExists };
  });
  return {
    url,
    targetExists,
    commit: () => (target.kind === 'pg' ? serverSwap(target, building, tag) : embeddedSwap(target.dataDir!, building, tag, onHost)),
    discard: () => onHost(async (host) => void (await host.drop(building, { force: true }))),
  };
}

/**
 * Drops what a killed copy left beside the target (`kill -9` gives it no time to): a database still
 * being built (`…_dbctl_copy_<tag>`) or one swapped out but not yet dropped (`…_dbctl_old_<tag>`).
 * Without FORCE, and only without sessions: a copy running now keeps its own.
 */
async function removeAbandoned(target: Extract<Target, { kind: 'pg' }>): Promise<void> {
  const admin = await connectServerClient(withDatabase(target.url, MAINTENANCE_DATABASE), 'dbctl db copy');
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `select d.datname from pg_catalog.pg_database d
        where left(d.datname, length($1)) = $1 and substr(d.datname, length($1) + 1) ~ '^(copy|old)_[0-9a-f]{8}$'
          and not exists (select 1 from pg_catalog.pg_stat_activity a where a.datname = d.datname)`,
      [`${target.database.slice(0, 36)}_dbctl_`],
    );
    for (const { datname } of rows) {
      await admin.query(`alter database ${quoteIdent(datname)} is_template false`).catch(() => {});
      await admin.query(`drop database ${quoteIdent(datname)}`).catch(() => {});
    }
  } finally {
    await admin.end();
  }
}

/** Renames the target away, the new database in, then drops the old one (sessions on it ended first). */
async function serverSwap(target: Extract<Target, { kind: 'pg' }>, building: string, tag: string): Promise<void> {
  const admin = await connectServerClient(withDatabase(target.url, MAINTENANCE_DATABASE), 'dbctl db copy');
  const old = `${target.database.slice(0, 36)}_dbctl_old_${tag}`;
  const name = quoteIdent(target.database);
  try {
    const exists = (await admin.query('select 1 from pg_catalog.pg_database where datname = $1', [target.database])).rows.length > 0;
    if (exists) {
      // No new sessions while it is swapped, then end those there are (as `db drop --force` does).
      await admin.query(`alter database ${name} allow_connections false`);
      await admin.query('select pg_catalog.pg_terminate_backend(pid) from pg_catalog.pg_stat_activity where datname = $1 and pid <> pg_catalog.pg_backend_pid()', [target.database]);
    }
    try {
      // Both renames in one transaction (ALTER DATABASE RENAME is transactional): the target is
      // either the old database or the new one, never missing, whatever fails in between.
      await withRetry(async () => {
        await admin.query('begin');
        try {
          if (exists) await admin.query(`alter database ${name} rename to ${quoteIdent(old)}`);
          await admin.query(`alter database ${quoteIdent(building)} rename to ${name}`);
          await admin.query('commit');
        } catch (error) {
          await admin.query('rollback').catch(() => {});
          throw error;
        }
      });
    } catch (error) {
      if (exists) await admin.query(`alter database ${name} allow_connections true`).catch(() => {});
      throw error;
    }
    // A test template being replaced is a template: it must stop being one to be dropped.
    if (exists) {
      await admin.query(`alter database ${quoteIdent(old)} is_template false`);
      await admin.query(`drop database ${quoteIdent(old)} with (force)`);
    }
  } finally {
    await admin.end();
  }
}

/** A terminated session takes a moment to go: a rename refused for it (55006) is tried again. */
async function withRetry(fn: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function embeddedSwap(dataDir: string, building: string, tag: string, onHost: <T>(fn: (host: any, name: string) => Promise<T>) => Promise<T>): Promise<void> {
  const root = path.dirname(dataDir);
  const old = path.join(root, `.${path.basename(dataDir)}.dbctl-old-${tag}`);
  await onHost(async (host, name) => {
    const holders = await host.sessions(name);
    if (holders.length) {
      throw new RefusedError(`db copy refused: ${dataDir} is open in pid ${holders[0].pid}; the copy was not swapped in`, { hint: 'stop the process using it and run the copy again' }, 'database_in_use');
    }
  });
  if (fs.existsSync(dataDir)) fs.renameSync(dataDir, old);
  fs.renameSync(path.join(root, building), dataDir);
  fs.rmSync(old, { recursive: true, force: true });
}
