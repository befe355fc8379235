import { assertSeedsFolder } from '../config/folders.js';
import { alreadyAllowed } from '../guard/index.js';
import type { SeedRunOptions, SeedRunReport } from '../seed/index.js';
import { resetDatabase, type ResetOptions, type ResetReport } from '../reset/index.js';

export interface ResetAndSeedOptions extends ResetOptions {
  /** Run the environment's seeds once the tables are empty (`dbctl reset --seed`): `seedConfig(config)`. */
  seed?: Omit<SeedRunOptions, 'database'>;
  /** Called with the reset's report before the seeds run (the CLI prints it first). */
  onReset?: (report: ResetReport) => void;
}

export interface ResetAndSeedReport extends ResetReport {
  /** The seeds' report; absent without `seed` or on a dry run. */
  seeded?: SeedRunReport;
}

/**
 * `dbctl reset [--seed]`: empty every table but the migration history, then (with `seed`) run the
 * environment's seeds. A missing seeds folder is refused before anything is emptied.
 */
export async function resetAndSeed(options: ResetAndSeedOptions): Promise<ResetAndSeedReport> {
  if (options.seed) assertSeedsFolder(options.seed.dir);
  const seed = options.seed && !options.dryRun;
  const report = await resetDatabase(options);
  options.onReset?.(report);
  if (!seed) return report;
  const { runSeeds } = await import('../seed/index.js');
  // The reset was allowed: the seeds do not ask again.
  return { ...report, seeded: await runSeeds({ ...options.seed!, database: options.database, ...alreadyAllowed(options.database.target) }) };
}
