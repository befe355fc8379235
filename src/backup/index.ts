export { backupDatabase, checkBackupOptions, type BackupOptions, type BackupReport } from './backup.js';
export { type BackupSettings } from './settings.js';
export { backupConfig } from '../config/props.js';
export { restoreBackup, verifyAgainstManifest, BackupVerificationError, type RestoreOptions, type RestoreReport, type RestoreMethod, type Verification } from './restore.js';
export { pruneBackups, listBackups, type PruneOptions, type PruneReport, type PrunedBackup } from './prune.js';
export { readManifest, manifestPathFor, compareTables, type Manifest, type BackupFormat, type BackupContent, type TableDifference } from './manifest.js';
export { type TableSnapshot } from './snapshot.js';
