import type { ResolvedConfig } from '../config/resolve.js';
import { lintConfig } from '../config/props.js';
import type { Database } from '../driver/database.js';
import type { LintReport } from '../lint/index.js';
import type { MigrateEvent, RunReport, UpOptions } from '../migrate/migrator.js';
import type { WriteResult } from '../typegen/write.js';
import type { ArtifactsReport } from '../migrate/artifacts.js';
import { UsageError } from '../errors.js';

export interface MigrateUpOptions extends UpOptions {
  database: Database;
  config: ResolvedConfig;
  /** Lint the pending migrations first; apply nothing (exit 4) if lint finds an error. */
  lint?: boolean;
  /** Regenerate the Kysely types after a run that applied something (default: `typegen.afterMigrate`). */
  typegen?: boolean;
  /** Rewrite the schema file (`schema.out`) after the run. */
  dumpSchema?: boolean;
  /** With dryRun: write one `.sql` file per pending migration into this folder (migrate/artifacts.ts). */
  out?: string;
  onEvent?: (event: MigrateEvent) => void;
  /** The lint report, before anything is applied (also when it stops the run). */
  onLint?: (report: LintReport) => void;
}

export interface MigrateUpReport {
  run: RunReport;
  /** What typegen wrote, when it ran. */
  types?: WriteResult;
  /** The schema file, when it was dumped. */
  schemaDump?: { file: string; changed: boolean };
  /** The review artifacts written (`--dry-run --out`). */
  artifacts?: ArtifactsReport;
}

/**
 * `dbctl migrate up [--lint] [--typegen] [--dump-schema]`: apply the pending migrations, with what
 * may run around them. Nothing after a dry run; types only when something was applied.
 */
export async function migrateUp(options: MigrateUpOptions): Promise<MigrateUpReport> {
  const { database, config } = options;
  if (options.out !== undefined && !options.dryRun) throw new UsageError('--out writes the SQL of a dry run: add --dry-run', { hint: 'dbctl migrate up --dry-run --out DIR' });
  if (options.lint) {
    const [{ lintMigrations }, { lintFailedError }] = await Promise.all([import('../lint/index.js'), import('../lint/failed.js')]);
    const report = await lintMigrations({ database, ...lintConfig(config) });
    options.onLint?.(report);
    if (!report.ok) throw lintFailedError(report, 'nothing was applied');
  }
  const { Migrator, migratorConfig } = await import('../migrate/migrator.js');
  const run = await new Migrator({ database, ...migratorConfig(config), onEvent: options.onEvent }).up(options);
  const result: MigrateUpReport = { run };
  if (run.dryRun) {
    if (options.out !== undefined) result.artifacts = await (await import('../migrate/artifacts.js')).writeUpArtifacts({ database, config, report: run, dir: options.out });
    return result;
  }
  if ((options.typegen ?? config.typegen.afterMigrate) && run.results.length) {
    const { writeTypes } = await import('../typegen/write.js');
    result.types = await writeTypes(database, config);
  }
  if (options.dumpSchema) {
    const { writeSchemaDump, schemaOutputConfig } = await import('../schema/index.js');
    result.schemaDump = await writeSchemaDump(database, schemaOutputConfig(config));
  }
  return result;
}
