import { backupConfig } from '../config/props.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { readManifest } from '../backup/manifest.js';
import type { RestoreOptions, RestoreReport } from '../backup/restore.js';
import { newRestoreTarget, restoreTargetTaken } from '../database/restore-target.js';
import type { Observer } from '../driver/observe.js';
import type { Database } from '../driver/database.js';
import { withDatabaseFor } from '../driver/open-for.js';
import { prepareReplacement, type Leftover } from '../driver/replace.js';
import { describeTarget, parseTarget } from '../driver/target.js';

export interface RestoreIntoNewOptions extends Omit<RestoreOptions, 'database' | 'observe' | 'protection' | 'pgRestore' | 'connectTimeoutMs' | 'poolSize'> {
  config: ResolvedConfig;
  /** NAME: a new database beside the configured one on its server; embedded, a new directory (relative to the project). */
  create: string;
  /** Told what opening the new database and restoring into it does (the CLI announces the target, shows progress). */
  observe?: Observer;
  /** Told when a failed restore's unfinished database (`building`) was removed (`error` set: it could not be). */
  onDiscard?: (outcome: { name: string; building: string; error?: Error }) => void;
  /** Told of each unfinished build an earlier, killed run left beside NAME: removed now, or `error` when it could not be. */
  onLeftover?: (leftover: Leftover) => void;
}

/**
 * `restore --create NAME`: refuses a NAME that exists, restores the backup into a database of its
 * own beside it, verifies it, and only then renames it to NAME. A restore that fails removes it
 * again; one that restored but does not match its manifest (BackupVerificationError) becomes NAME
 * all the same: it is what the user needs to look at, and the error says it differs.
 *
 * The restore runs in sections (not one transaction), so a killed dbctl (kill -9) leaves a partial
 * schema behind: under the build's own name (`NAME_dbctl_restore_TAG`, embedded
 * `.NAME.dbctl-restore-PID-TAG`), never under NAME, and the next build beside NAME removes it.
 */
export async function restoreIntoNewDatabase(options: RestoreIntoNewOptions): Promise<RestoreReport> {
  const { config, create, observe, onDiscard, onLeftover, ...restore } = options;
  // The backup is checked before anything is made: a missing file or manifest makes nothing.
  readManifest(restore.file);
  const target = newRestoreTarget(create, { url: config.url, cwd: config.cwd, target: config.target });
  const replacement = await prepareReplacement(target, { cwd: config.cwd, connectTimeoutMs: config.connectTimeoutMs, operation: 'restore --create', replace: false, refused: () => restoreTargetTaken(create, target) });
  for (const leftover of replacement.leftovers) onLeftover?.(leftover);
  // The user is told of NAME, not of the name it is built under.
  await observe?.opening?.(target);
  const { restoreBackup, BackupVerificationError } = await import('../backup/restore.js');
  const run = (database: Database) => restoreBackup({ ...backupConfig(config), ...restore, database, fresh: true, observe });
  const named = <T extends { target: string }>(report: T): T => Object.assign(report, { target: describeTarget(target) });
  try {
    const report = await withDatabaseFor(config, 'restore', run, { target: parseTarget(replacement.url, config.cwd), observe: { ...observe, opening: undefined } });
    // Interrupted after the restore itself: it is not put in place.
    options.signal?.throwIfAborted();
    await replacement.commit();
    return named(report);
  } catch (error) {
    if (!options.signal?.aborted && error instanceof BackupVerificationError) {
      await replacement.commit().catch(async (e) => {
        await replacement.discard().catch(() => {});
        throw e;
      });
      named(error.report);
      throw error;
    }
    await replacement.discard().then(
      () => onDiscard?.({ name: create, building: replacement.building }),
      (e) => onDiscard?.({ name: create, building: replacement.building, error: e as Error }),
    );
    throw options.signal?.aborted ? options.signal.reason : error;
  }
}
