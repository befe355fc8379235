import type { MigratorProps } from '../migrate/migrator.js';

/**
 * What backup and restore read of the project (`backupConfig(config)` gives them from a resolved
 * config); each has a default, so a library caller passes only what differs.
 */
export interface BackupSettings {
  /** Relative `out` and `dir` resolve against it. Default `process.cwd()`. */
  cwd?: string;
  /** Where dumps go when `out` is not given. Default `backups`. */
  dir?: string;
  /** The pg_dump and pg_restore binaries. Default found on PATH. */
  pgDump?: string;
  pgRestore?: string;
  /** How long pg_dump/pg_restore wait to connect (ms). Default libpq's. */
  connectTimeoutMs?: number;
  /** Sessions that hash tables at once are this, at most 4. Default 4. */
  poolSize?: number;
  /** The Migrator's settings: the manifest records which migrations are applied. None: it says why not. */
  migrator?: Omit<MigratorProps, 'database'>;
}

export const BACKUP_DEFAULTS = { dir: 'backups', pgDump: 'pg_dump', pgRestore: 'pg_restore', poolSize: 4 } as const;
