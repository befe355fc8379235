import { backupConfig } from '../config/props.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { readManifest } from '../backup/manifest.js';
import type { RestoreOptions, RestoreReport } from '../backup/restore.js';
import { createRestoreTarget } from '../database/restore-target.js';
import type { Observer } from '../driver/observe.js';
import type { Database } from '../driver/database.js';
import { withDatabaseFor } from '../driver/open-for.js';

export interface RestoreIntoNewOptions extends Omit<RestoreOptions, 'database' | 'observe' | 'protection' | 'pgRestore' | 'connectTimeoutMs' | 'poolSize'> {
  config: ResolvedConfig;
  /** NAME: a new database beside the configured one on its server; embedded, a new directory (relative to the project). */
  create: string;
  /** Told what opening the new database and restoring into it does (the CLI announces the target, shows progress). */
  observe?: Observer;
  /** Told when a failed restore's new database was removed (`error` set: it could not be). */
  onDiscard?: (outcome: { name: string; error?: Error }) => void;
}

/**
 * `restore --create NAME`: creates NAME (refusing one that exists), restores the backup into it
 * and verifies it. A restore that fails removes NAME again; one that restored but does not match
 * its manifest (BackupVerificationError) keeps it: it is what the user needs to look at.
 */
export async function restoreIntoNewDatabase(options: RestoreIntoNewOptions): Promise<RestoreReport> {
  const { config, create, observe, onDiscard, ...restore } = options;
  // The backup is checked before NAME is created: a missing file or manifest makes nothing.
  readManifest(restore.file);
  const created = await createRestoreTarget(create, { url: config.url, cwd: config.cwd, connectTimeoutMs: config.connectTimeoutMs, target: config.target });
  const { restoreBackup, BackupVerificationError } = await import('../backup/restore.js');
  const run = (database: Database) => restoreBackup({ ...backupConfig(config), ...restore, database, fresh: true, observe });
  try {
    const report = await withDatabaseFor(config, 'restore', run, { target: created.target, observe });
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
