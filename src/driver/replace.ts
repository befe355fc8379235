import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openHostOf } from './host.js';
import { connectServerClient } from './pg/client.js';
import { MAINTENANCE_DATABASE } from './host.js';
import { quoteIdent } from '../sql/quote.js';
import { withDatabase, type Target } from './target.js';
import type pg from 'pg';
import { RefusedError, UsageError } from '../errors.js';
import { processExists } from '../process-alive.js';
import { hasSqlstate } from '../sql/sqlstate.js';

/** A database being built beside its target, to replace it whole once it is complete. */
export interface Replacement {
  /** The new database's URL (postgres:// on the target's server, pglite:// beside its directory). */
  url: string;
  /** Its name on the host: a database on a server, a hidden directory beside the target embedded. */
  building: string;
  /** The database being replaced exists (its kept tables can be read). */
  targetExists: boolean;
  /** What earlier runs killed mid-build (kill -9) left beside the target: removed now, or `error` when that failed. */
  leftovers: Leftover[];
  /** Puts the new database in the target's place; the old one is dropped. */
  commit(): Promise<void>;
  /** Removes the new database; the target stays as it was. */
  discard(): Promise<void>;
}

export interface Leftover {
  name: string;
  error?: Error;
}

interface Where {
  cwd: string;
  connectTimeoutMs?: number;
  /** Who builds it (names the building database and messages). Default `db copy`. */
  operation?: 'db copy' | 'restore --create';
  /**
   * `false`: the target must not exist (`restore --create` never overwrites): one that does is
   * refused with `refused()` before anything is made, and `commit` refuses one that appeared
   * meanwhile. Default true (db copy replaces it).
   */
  replace?: boolean;
  refused?: () => Error;
  /** Create the new database from this template (a server's), instead of empty. */
  template?: string;
  /**
   * What the build waits for before anything is swept or made beside the target (db copy: its
   * source opened, its migrated template ready), resolving to the template to create from (used
   * instead of `template`). On a server it runs beside the connections to the target's server
   * (the build's lock, its host): a statement that must wait for it is sent the moment it settles.
   */
  ready?: () => Promise<string | undefined>;
  /** Called as the new database's CREATE is sent: work started here (module loading) does not hold it up. */
  onCreate?: () => void;
}

/** What each operation calls what it builds, in the names it gives (`_dbctl_copy_…`, `.NAME.dbctl-restore-…`). */
const KINDS = { 'db copy': 'copy', 'restore --create': 'restore' } as const;
/** The advisory-lock namespace whose lock a server build holds (its tag the key) until it commits or is discarded. */
const BUILD_LOCK = 'dbctl build';

/**
 * Creates an empty database next to `target` under a name of its own, so a long build (a copy, a
 * restore) never leaves the target half filled: the target changes only in `commit`, by renames.
 * On a server the target's sessions are ended then (a database in use cannot be renamed).
 *
 * A process killed mid-build (kill -9) leaves its database behind under that name, marked as its
 * own: on a server a session holds an advisory lock keyed by the build's tag until commit or
 * discard (the server releases it when the process dies); embedded, the directory's name carries
 * the builder's pid. The next build beside the same target removes those whose builder is gone.
 */
export async function prepareReplacement(target: Target, where: Where): Promise<Replacement> {
  const operation = where.operation ?? 'db copy';
  if (target.kind === 'pglite' && target.dataDir === null) throw new UsageError(`${operation}: pglite://memory lives only inside one process; copy into a pglite:// folder or a server`);
  if (target.kind === 'pg' && target.database === MAINTENANCE_DATABASE) {
    throw new UsageError(`${operation} refused: "${MAINTENANCE_DATABASE}" is the maintenance database dbctl works through`, { hint: 'name another database' });
  }
  const hex = crypto.randomBytes(4).toString('hex');
  // Embedded, the pid is part of the tag: it says whether the builder still runs.
  const tag = target.kind === 'pg' ? hex : `${process.pid}-${hex}`;
  const kind = KINDS[operation];
  const onHost = async <T>(fn: (host: Awaited<ReturnType<typeof openHostOf>>['host'], name: string) => Promise<T>) => {
    const { host, name } = await openHostOf(target, { ...where, operation });
    try {
      return await fn(host, name);
    } finally {
      await host.close();
    }
  };
  const gate = async () => (where.ready ? where.ready() : where.template);
  // The build's lock and the host connect side by side, and beside `ready`: connecting makes
  // nothing, and they are what the CREATE would otherwise wait for once it may be sent.
  const locking = target.kind === 'pg' ? holdBuildLock(target, hex) : undefined;
  locking?.catch(() => {}); // awaited below; a failure meanwhile is the build's
  let lock: pg.Client | undefined;
  try {
    // Embedded, opening the host may make its folder: nothing is opened before `ready`.
    const early = target.kind === 'pg' ? undefined : { template: await gate() };
    const made = await onHost(async (host, name) => {
      lock = await locking;
      const template = early ? early.template : await gate();
      const leftovers = target.kind === 'pg' ? await sweepServer(host, name, lock!) : sweepEmbedded(target.dataDir!);
      // Hidden beside an embedded target (a leading dot): listings skip it while it is built.
      const building = target.kind === 'pg' ? `${name.slice(0, 36)}_dbctl_${kind}_${tag}` : `.${name}.dbctl-${kind}-${tag}`;
      const targetExists = await host.exists(name);
      // Not replacing, anything in the way counts (embedded, a directory that is no database is not ours to fill).
      const inTheWay = targetExists || (target.kind === 'pglite' && fs.existsSync(target.dataDir!) && !isEmptyDir(target.dataDir!));
      if (inTheWay && where.replace === false) throw (where.refused ?? (() => appeared(name)))();
      const creating = host.create(building, { template });
      where.onCreate?.();
      const { target: made } = await creating;
      return { building, url: made.url, targetExists, leftovers };
    });
    // Once: commit can fail and be followed by discard.
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await lock?.end().catch(() => {});
    };
    const replace = where.replace ?? true;
    return {
      ...made,
      commit: () =>
        (target.kind === 'pg' ? serverSwap(lock!, target, made.building, hex, replace) : embeddedSwap(target.dataDir!, made.building, tag, replace, onHost)).finally(release),
      discard: () => onHost(async (host) => void (await host.drop(made.building, { force: true }))).finally(release),
    };
  } catch (error) {
    await (lock ?? (await locking?.catch(() => undefined)))?.end().catch(() => {});
    throw error;
  }
}

const isEmptyDir = (dir: string) => fs.statSync(dir).isDirectory() && fs.readdirSync(dir).length === 0;

/** A session on the maintenance database holding the build's advisory lock: the server lets it go when the process dies. */
async function holdBuildLock(target: Extract<Target, { kind: 'pg' }>, hex: string): Promise<pg.Client> {
  const client = await connectServerClient(withDatabase(target.url, MAINTENANCE_DATABASE), 'dbctl build');
  try {
    await client.query('select pg_catalog.pg_advisory_lock(pg_catalog.hashtext($1), $2::int)', [BUILD_LOCK, lockKey(hex)]);
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
}

/** The tag's 8 hex digits as a signed 32-bit key. */
const lockKey = (hex: string) => Number.parseInt(hex, 16) | 0;

/** Server builds beside `name` (`NAME_dbctl_{copy,restore,old}_TAG`) whose lock nobody holds: their builder died. */
async function sweepServer(host: Awaited<ReturnType<typeof openHostOf>>['host'], name: string, lock: pg.Client): Promise<Leftover[]> {
  const prefix = `${name.slice(0, 36)}_dbctl_`;
  const found = (await host.list()).filter((n) => n.startsWith(prefix) && /^(copy|restore|old)_[0-9a-f]{8}$/.test(n.slice(prefix.length)));
  const leftovers: Leftover[] = [];
  for (const left of found) {
    const key = lockKey(left.slice(-8));
    const free = (await lock.query('select pg_catalog.pg_try_advisory_lock(pg_catalog.hashtext($1), $2::int) as free', [BUILD_LOCK, key])).rows[0].free;
    if (!free) continue;
    try {
      // An `old` one may be a test template that was being replaced. Without FORCE: a session on it
      // (a build by a dbctl that takes no lock) keeps it, and it is named instead.
      await host.drop(left, { template: true });
      leftovers.push({ name: left });
    } catch (error) {
      leftovers.push({ name: left, error: error as Error });
    } finally {
      await lock.query('select pg_catalog.pg_advisory_unlock(pg_catalog.hashtext($1), $2::int)', [BUILD_LOCK, key]);
    }
  }
  return leftovers;
}

/** Embedded builds beside `dataDir` (`.NAME.dbctl-{copy,restore,old}-PID-TAG`) whose process is gone. */
function sweepEmbedded(dataDir: string): Leftover[] {
  const root = path.dirname(dataDir);
  const prefix = `.${path.basename(dataDir)}.dbctl-`;
  if (!fs.existsSync(root)) return [];
  const leftovers: Leftover[] = [];
  for (const entry of fs.readdirSync(root)) {
    const match = entry.startsWith(prefix) ? /^(?:copy|restore|old)-(\d+)-[0-9a-f]{8}$/.exec(entry.slice(prefix.length)) : null;
    if (!match || processExists(Number(match[1]))) continue;
    try {
      fs.rmSync(path.join(root, entry), { recursive: true, force: true });
      leftovers.push({ name: path.join(root, entry) });
    } catch (error) {
      leftovers.push({ name: path.join(root, entry), error: error as Error });
    }
  }
  return leftovers;
}

/** Renames the target away, the new database in, then drops the old one (sessions on it ended first). */
async function serverSwap(admin: pg.Client, target: Extract<Target, { kind: 'pg' }>, building: string, tag: string, replace: boolean): Promise<void> {
  // On the session that holds the build's lock (the maintenance database): no connection of its own.
  const old = `${target.database.slice(0, 36)}_dbctl_old_${tag}`;
  const name = quoteIdent(target.database);
  const exists = replace && (await admin.query('select 1 from pg_catalog.pg_database where datname = $1', [target.database])).rows.length > 0;
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
        // Not replacing: a database that took the name meanwhile is not ours to touch.
        if (!replace && hasSqlstate(error, 'duplicate_database')) throw appeared(target.database);
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

async function embeddedSwap(dataDir: string, building: string, tag: string, replace: boolean, onHost: <T>(fn: (host: any, name: string) => Promise<T>) => Promise<T>): Promise<void> {
  const root = path.dirname(dataDir);
  const old = path.join(root, `.${path.basename(dataDir)}.dbctl-old-${tag}`);
  if (replace) await onHost(async (host, name) => {
    const holders = await host.sessions(name);
    if (holders.length) {
      throw new RefusedError(`db copy refused: ${dataDir} is open in pid ${holders[0].pid}; the copy was not swapped in`, { hint: 'stop the process using it and run the copy again' }, 'database_in_use');
    }
  });
  if (!replace && fs.existsSync(dataDir) && fs.readdirSync(dataDir).length) throw appeared(dataDir);
  if (replace && fs.existsSync(dataDir)) fs.renameSync(dataDir, old);
  fs.renameSync(path.join(root, building), dataDir);
  fs.rmSync(old, { recursive: true, force: true });
}

/** The target a build must not replace was made by someone else while it ran. */
function appeared(name: string): UsageError {
  return new UsageError(`${name} was created by someone else while it was being built; it was left alone`, { hint: 'choose a new name' });
}
