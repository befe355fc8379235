import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import type { Observer } from '../driver/observe.js';
import { withDatabaseFor } from '../driver/open-for.js';
import { alreadyAllowed, assertDestructiveAllowed, type GuardOptions } from '../guard/index.js';
import type { RunReport } from '../migrate/migrator.js';
import type { SeedRunReport } from '../seed/seeder.js';
import { seedConfig } from '../config/props.js';
import { createDatabase, dropDatabase, type CreateReport, type DropReport } from '../database/lifecycle.js';

export type FreshEvent =
  | { type: 'dropped'; report: DropReport }
  | { type: 'created'; report: CreateReport }
  | { type: 'migrated'; report: RunReport }
  | { type: 'seeded'; report: SeedRunReport };

/** `force` also disconnects open sessions when dropping, as `db drop --force` does. */
export interface FreshOptions extends GuardOptions {
  config: ResolvedConfig;
  /** Seed after migrating (default true). */
  seed?: boolean;
  /** Told what opening the new database does (the CLI announces the target and logs queries). */
  observe?: Observer;
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
  await assertDestructiveAllowed({ config, target: config.target, operation: 'db fresh', force: options.force, confirm: options.confirm });
  const { assertMigrationsFolder, assertSeedsFolder } = await import('../config/folders.js');
  assertMigrationsFolder(config.migrations.dir);
  if (seed) assertSeedsFolder(config.seeds.dir);
  const lifecycle = { url: config.url, target: config.target, cwd: config.cwd, connectTimeoutMs: config.connectTimeoutMs };
  // Allowed once above: the drop and the seeds do not ask again (a prompt would ask twice).
  const allowed = alreadyAllowed(config.target);
  const dropped = await dropDatabase({ ...lifecycle, config, force: options.force, confirm: allowed.confirm });
  options.onEvent?.({ type: 'dropped', report: dropped });
  const created = await createDatabase(lifecycle);
  options.onEvent?.({ type: 'created', report: created });
  const fill = async (database: Database): Promise<FreshReport> => {
    const { Migrator, migratorConfig } = await import('../migrate/migrator.js');
    const migrated = await new Migrator({ database, ...migratorConfig(config) }).up();
    options.onEvent?.({ type: 'migrated', report: migrated });
    if (!seed) return { dropped, created, migrated };
    const { runSeeds } = await import('../seed/index.js');
    const seeded = await runSeeds({ database, ...seedConfig(config), ...allowed });
    options.onEvent?.({ type: 'seeded', report: seeded });
    return { dropped, created, migrated, seeded };
  };
  return withDatabaseFor(config, 'command', fill, { observe: options.observe });
}
