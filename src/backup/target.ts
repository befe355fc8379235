import path from 'node:path';
import { openHostOf } from '../driver/host.js';
import type { Database } from '../driver/open.js';
import { withDatabaseFor } from '../driver/open-for.js';
import { DEFAULT_PGLITE_DIR, describeTarget, parseTarget, siblingTarget, type Target } from '../driver/url.js';
import { isDbctlError, UsageError } from '../errors.js';
import { readManifest } from './manifest.js';
import type { RestoreOptions, RestoreReport } from './restore.js';

export interface RestoreTarget {
  url: string;
  /** Removes what --create made (after a failed restore): the database, or the PGlite directory. */
  discard(): Promise<void>;
}

/**
 * A new, empty database to restore into (`restore --create NAME`): on a server, NAME is created
 * beside the configured database; embedded, NAME is a new PGlite directory beside the configured
 * one (`.dbctl/NAME` by default: git-ignored, where dbctl keeps its databases). An existing one is
 * refused, so --create can never overwrite anything.
 */
export async function createRestoreTarget(name: string, options: { url: string | undefined; cwd: string; connectTimeoutMs?: number; target?: Target }): Promise<RestoreTarget> {
  const target = newDatabaseTarget(options.target ?? parseTarget(options.url, options.cwd), name, options.cwd);
  const hostOptions = { cwd: options.cwd, connectTimeoutMs: options.connectTimeoutMs, operation: 'restore --create' };
  const { host, name: database } = await openHostOf(target, hostOptions);
  let url: string;
  try {
    const made = await host.create(database).catch((error) => {
      if (isDbctlError(error) && error.code === 'not_a_database') throw new UsageError(`--create ${name}: ${describeTarget(target)} already exists and is not empty`, { hint: 'choose a new name' });
      throw error;
    });
    if (!made.created) throw new UsageError(`--create ${name}: ${describeTarget(target)} already exists`, { hint: 'choose a new name, or restore into it with --into URL --clean' });
    url = made.url;
  } finally {
    await host.close();
  }
  return {
    url,
    discard: async () => {
      const again = await openHostOf(target, hostOptions);
      try {
        await again.host.drop(again.name, { force: true });
      } finally {
        await again.host.close();
      }
    },
  };
}

function newDatabaseTarget(configured: Target, name: string, cwd: string): Target {
  // A name, not a path: `--create ../x` or `--create a/b` would put a database outside .dbctl/.
  if (configured.kind === 'pglite' && (name === '.' || name === '..' || /[\\/]/.test(name))) {
    throw new UsageError(`--create ${name}: give a name, not a path (embedded databases are made beside the configured one, in ${path.relative(cwd, embeddedRoot(configured, cwd)) || '.'})`, {
      hint: 'to restore into a directory of your choice, restore with --into pglite://PATH',
    });
  }
  // Quotes, semicolons and spaces make a name that is a directory or a quoted identifier nobody
  // means to type, and 63 bytes is where PostgreSQL would cut it silently.
  if (!/^[\p{L}\p{N}_][\p{L}\p{N}_$.-]*$/u.test(name) || Buffer.byteLength(name) > 63) {
    throw new UsageError(`--create ${JSON.stringify(name)}: a database name is letters, digits, _, $, - and . (at most 63 bytes)`, { hint: 'choose a plain name, e.g. app_restore' });
  }
  if (configured.kind === 'pg') return siblingTarget(configured, name, cwd);
  return parseTarget(`pglite://${path.join(embeddedRoot(configured, cwd), name)}`, cwd);
}

/** The folder the configured embedded database lives in (pglite://memory: the default's, .dbctl/). */
function embeddedRoot(configured: Extract<Target, { kind: 'pglite' }>, cwd: string): string {
  return path.dirname(configured.dataDir ?? path.resolve(cwd, DEFAULT_PGLITE_DIR));
}

export interface RestoreIntoNewOptions extends Omit<RestoreOptions, 'database' | 'guard'> {
  /** NAME: a new database beside the configured one on its server; embedded, a new directory (relative to the project). */
  create: string;
  /**
   * Opens the new database and runs `fn` on it; default: openDatabaseFor(config, 'restore'). A
   * front end passes its own (the CLI announces the target and logs queries).
   */
  withDatabase?: <T>(url: string, fn: (database: Database) => Promise<T>) => Promise<T>;
  /** Told when a failed restore's new database was removed (`error` set: it could not be). */
  onDiscard?: (outcome: { name: string; error?: Error }) => void;
  /** Replaces the protected-environment check, given the database it is about (the CLI adds its terminal prompt). */
  guard?: (operation: string, database: Database) => Promise<void>;
}

/**
 * `restore --create NAME`: creates NAME (refusing one that exists), restores the backup into it
 * and verifies it. A restore that fails removes NAME again; one that restored but does not match
 * its manifest (BackupVerificationError) keeps it: it is what the user needs to look at.
 */
export async function restoreIntoNewDatabase(options: RestoreIntoNewOptions): Promise<RestoreReport> {
  const { config, create, withDatabase, onDiscard, guard, ...restore } = options;
  // The backup is checked before NAME is created: a missing file or manifest makes nothing.
  readManifest(restore.file);
  const created = await createRestoreTarget(create, { url: config.url, cwd: config.cwd, connectTimeoutMs: config.connectTimeoutMs, target: config.target });
  const { restoreBackup, BackupVerificationError } = await import('./restore.js');
  const run = (database: Database) => restoreBackup({ ...restore, config, database, fresh: true, guard: guard && ((operation) => guard(operation, database)) });
  try {
    const report = await (withDatabase ? withDatabase(created.url, run) : withDatabaseFor(config, 'restore', run, { url: created.url }));
    // Interrupted after the restore itself: what --create made goes all the same.
    options.signal?.throwIfAborted();
    return report;
  } catch (error) {
    if (options.signal?.aborted || !(error instanceof BackupVerificationError)) {
      await created.discard().then(
        () => onDiscard?.({ name: create }),
        (e) => onDiscard?.({ name: create, error: e as Error }),
      );
    }
    throw options.signal?.aborted ? options.signal.reason : error;
  }
}
