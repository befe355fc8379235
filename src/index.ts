/** dbctl's library API: everything the CLI does, callable from code. Nothing here prints or exits. */
export * from './errors.js';
export { defineConfig } from './config/define.js';
export type { DbctlConfig, EnvironmentConfig, MigrationsConfig, TypegenConfig } from './config/define.js';
export { resolveConfig, publicConfig, type ResolvedConfig, type ConfigOverrides } from './config/resolve.js';
export { openDatabase, type Database, type OpenOptions, type Capabilities } from './driver/open.js';
export { parseTarget, redact, withDatabase as withDatabaseName, type Target } from './driver/url.js';
export { Migrator, MigrationFailedError, type MigrateEvent, type RunReport, type MigrationResult, type UpOptions, type DownOptions, type StatusReport } from './migrate/migrator.js';
export { createMigrationFile } from './migrate/new.js';
export type { MigrationStatusEntry, MigrationState, StatusSummary } from './migrate/plan.js';
export { VERSION } from './version.js';
export { generateTypes, writeTypes, checkTypes, withMigratedDatabase, type TypegenOptions, type WriteResult, type TypesCheck } from './typegen/index.js';
export { runSeeds, bulkInsert, bulkUpsert, loadFixture, seedId, createSeedFile, summarizeTables } from './seed/index.js';
export type { SeedContext, SeedRunOptions, SeedRunReport, SeedReport, SeedEvent, BulkOptions, UpsertOptions, BulkResult, BulkTarget, FixtureUpsert, TableSummary } from './seed/index.js';
export { backupDatabase, restoreBackup, verifyAgainstManifest, pruneBackups, readManifest, BackupVerificationError, type BackupOptions, type BackupReport, type RestoreOptions, type RestoreReport, type Verification, type PruneOptions, type PruneReport, type Manifest, type TableDifference } from './backup/index.js';
export { resetDatabase, planReset, type ResetOptions, type ResetReport, type ResetPlan, type TableRef } from './reset/index.js';
export { createDatabase, dropDatabase, type LifecycleOptions, type CreateReport, type DropReport, type Session } from './dblife/index.js';
export { assertDestructiveAllowed, confirmName, matchProductionHost, type GuardInput } from './guard/index.js';
