import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import { withDatabaseFor } from '../driver/open-for.js';
import type { RunReport } from '../migrate/migrator.js';
import type { SeedRunReport } from '../seed/seeder.js';
import { seedConfig } from '../config/props.js';
import { createDatabase, dropDatabase, type CreateReport, type DropReport } from '../database/lifecycle.js';

export type FreshEvent =
  | { type: 'dropped'; report: DropReport }
  | { type: 'created'; report: CreateReport }
  | { type: 'migrated'; report: RunReport }
  | { type: 'seeded'; report: SeedRunReport };

export interface FreshOptions {
  config: ResolvedConfig;
  /** Disconnect open sessions when dropping; in a protected environment, with `confirm`, allows it at all. */
  force?: boolean;
  confirm?: string;
  /** Seed after migrating (default true). */
  seed?: boolean;
  /** Replaces the protected-environment check (the CLI adds its terminal prompt). */
  guard?: () => Promise<void>;
  /**
   * Opens the new database and runs `fn` on it; default: openDatabaseFor(config, 'command'). A
   * front end passes its own (the CLI announces the target and logs queries).
   */
  withDatabase?: <T>(fn: (database: Database) => Promise<T>) => Promise<T>;
  /** Each step as it completes, for a front end to report as it goes. */
  onEvent?: (event: FreshEvent) => void;
}

export interface FreshReport {
  dropped: DropReport;
  created: CreateReport;
  migrated: RunReport;
  seeded?: SeedRunReport;
}

/**
 * `db fresh`: drops the configured database, creates it again, applies every migration and runs
 * the seeds. Refused in a protected environment unless forced and confirmed; every folder the run
 * reads is checked before anything is dropped.
 */
export async function recreateDatabase(options: FreshOptions): Promise<FreshReport> {
  const { config } = options;
  const seed = options.seed ?? true;
  if (options.guard) await options.guard();
  else {
    const { assertDestructiveAllowed } = await import('../guard/index.js');
    await assertDestructiveAllowed({ config, target: config.target, operation: 'db fresh', force: options.force, confirm: options.confirm });
  }
  const { assertMigrationsFolder, assertSeedsFolder } = await import('../config/folders.js');
  assertMigrationsFolder(config.migrations.dir);
  if (seed) assertSeedsFolder(config.seeds.dir);
  const lifecycle = { url: config.url, target: config.target, cwd: config.cwd, connectTimeoutMs: config.connectTimeoutMs };
  const dropped = await dropDatabase({ ...lifecycle, force: options.force });
  options.onEvent?.({ type: 'dropped', report: dropped });
  const created = await createDatabase(lifecycle);
  options.onEvent?.({ type: 'created', report: created });
  const fill = async (database: Database): Promise<FreshReport> => {
    const { Migrator, migratorConfig } = await import('../migrate/migrator.js');
    const migrated = await new Migrator({ database, ...migratorConfig(config) }).up();
    options.onEvent?.({ type: 'migrated', report: migrated });
    if (!seed) return { dropped, created, migrated };
    const { runSeeds } = await import('../seed/index.js');
    const seeded = await runSeeds({ database, ...seedConfig(config) });
    options.onEvent?.({ type: 'seeded', report: seeded });
    return { dropped, created, migrated, seeded };
  };
  return options.withDatabase ? options.withDatabase(fill) : withDatabaseFor(config, 'command', fill);
}
