import path from 'node:path';
import { redactUrl } from '../secrets.js';
import type { ResolvedConfig } from './resolve.js';

/**
 * The resolved config, cut into each capability's narrow props: a capability takes only what it
 * uses, each with a default of its own, and never reads the whole config (as Kysely's Migrator
 * takes `MigratorProps`). These are the only places that map config sections onto props:
 * `new Migrator({ database, ...migratorConfig(config) })`, `runSeeds({ database, ...seedConfig(config) })`,
 * `resetDatabase({ database, ...resetConfig(config) })`. The shapes are structural, so config/
 * imports nothing from the capabilities above it.
 */

/** Where the migration bookkeeping lives (migrations.schema, .table, .lockTable, .historyTable). */
function storeOf(config: ResolvedConfig): { schema: string; table: string; lockTable: string; historyTable: string } {
  const { schema, table, lockTable, historyTable } = config.migrations;
  return { schema, table, lockTable, historyTable };
}

/** The Migrator's settings (MigratorProps without the database). */
export function migratorConfig(config: ResolvedConfig) {
  return {
    migrations: config.migrations.dir,
    store: storeOf(config),
    lockTimeoutMs: config.lockTimeoutMs,
    ddlLockTimeoutMs: config.ddlLockTimeoutMs,
    allowUnordered: config.migrations.allowUnordered,
    cwd: config.cwd,
    postgresVersion: config.postgres?.version,
    placeholders: config.placeholders,
    protection: protectionOf(config),
  };
}

/** What src/guard reads of the environment: destructive calls made with these props ask it themselves. */
function protectionOf(config: ResolvedConfig) {
  return { env: config.env, protected: config.protected, productionHosts: config.productionHosts, protectedDatabases: config.protectedDatabases };
}

/** `runSeeds`'s settings: the seeds and fixtures folders, the environment, its scale and faker seed. */
export function seedConfig(config: ResolvedConfig) {
  return {
    dir: config.seeds.dir,
    env: config.env,
    scale: config.seeds.scale,
    seed: config.seeds.seed,
    fixturesDir: config.fixtures.dir,
    cwd: config.cwd,
    protection: protectionOf(config),
  };
}

/** `resetDatabase`'s settings: the schemas it empties, the tables it always keeps, the bookkeeping it never empties. */
export function resetConfig(config: ResolvedConfig) {
  return { schemas: config.reset.schemas, alwaysKeep: config.reset.keep, store: storeOf(config), protection: protectionOf(config) };
}

/** `lintMigrations`'s settings: the Migrator's, lint's rule levels, and the database settings its throwaway database is made with. */
export function lintConfig(config: ResolvedConfig) {
  return { migrator: migratorConfig(config), rules: config.lint.rules, largeTableRows: config.lint.largeTableRows, scratch: config };
}

/** `backupDatabase`'s and `restoreBackup`'s settings: where dumps go, the client programs, how they connect, the manifest's migration state. */
export function backupConfig(config: ResolvedConfig) {
  return {
    cwd: config.cwd,
    dir: config.backups.dir,
    pgDump: config.backups.pgDump,
    pgRestore: config.backups.pgRestore,
    connectTimeoutMs: config.connectTimeoutMs,
    poolSize: config.poolSize,
    migrator: migratorConfig(config),
    protection: protectionOf(config),
  };
}

/** `summarizeTables`'s scope: the schemas reset empties, less the migration bookkeeping. */
export function summaryConfig(config: ResolvedConfig) {
  return { schemas: config.reset.schemas, store: storeOf(config) };
}

/** The schema outputs' settings (`schema dump`, `schema erd`, the dump `migrate up` refreshes). */
export function schemaOutputConfig(config: ResolvedConfig) {
  return { cwd: config.cwd, file: config.schema.out, store: storeOf(config), migrationsDir: config.migrations.dir, placeholders: config.placeholders };
}

/** What a test-database template is built from, and so what its name hashes: migrations, the environment's seeds, fixtures. */
export function templateSources(config: ResolvedConfig) {
  return { migrationsDir: config.migrations.dir, seedsDir: config.seeds.dir, env: config.env, fixturesDir: config.fixtures.dir };
}

/** Where the config came from, as `doctor` reports it: the file (relative), the environment and URL and what chose them; the URL redacted. */
export function configOrigin(config: ResolvedConfig) {
  return {
    file: config.configFile ? path.relative(config.cwd, config.configFile) || config.configFile : null,
    env: config.env,
    envSource: config.envSource,
    url: config.url === undefined ? null : redactUrl(config.url),
    urlSource: config.urlSource,
    protected: config.protected,
  };
}

export type ConfigOrigin = ReturnType<typeof configOrigin>;
