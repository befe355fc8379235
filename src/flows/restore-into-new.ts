import { readManifest } from '../backup/manifest.js';
import type { RestoreOptions, RestoreReport } from '../backup/restore.js';
import { createRestoreTarget } from '../database/restore-target.js';
import type { Database } from '../driver/database.js';
import { withDatabaseFor } from '../driver/open-for.js';

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
  const { restoreBackup, BackupVerificationError } = await import('../backup/restore.js');
  const run = (database: Database) => restoreBackup({ ...restore, config, database, fresh: true, guard: guard && ((operation) => guard(operation, database)) });
  try {
    const report = await (withDatabase ? withDatabase(created.url, run) : withDatabaseFor(config, 'restore', run, { target: created.target }));
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
