import path from 'node:path';
import type { Database } from '../../driver/database.js';
import { CheckFailedError } from '../../errors.js';
import type { StaleCheck } from '../../schema/index.js';
import { withDatabase, type CommandContext } from '../context.js';

/** The live database, or with --from-migrations a throwaway embedded one built from the migrations. */
export async function withSource(ctx: CommandContext, fromMigrations: boolean | undefined, fn: (database: Database) => Promise<unknown>): Promise<void> {
  if (!fromMigrations) return void (await withDatabase(ctx, fn));
  const { withMigratedDatabase } = await import('../../database/migrated-scratch.js');
  ctx.out.status('migrating a scratch embedded database');
  await withMigratedDatabase(ctx.config, async (database, report) => {
    ctx.out.status(undefined);
    ctx.out.info(ctx.out.color.dim(`scratch embedded database: ${report.results.length} migration(s) applied`));
    await fn(database);
  });
}

export function reportWrite(ctx: CommandContext, absolute: string, changed: boolean): void {
  const file = path.relative(ctx.config.cwd, absolute);
  ctx.out.result({ ok: true, file, changed });
  ctx.out.line(changed ? `wrote ${file}` : `${file} is up to date`);
}

/** A `--check` of a generated file: fresh, or exit 4 with the lines that differ. */
export function reportCheck(ctx: CommandContext, check: StaleCheck, command: string, fromMigrations: boolean | undefined): void {
  const file = path.relative(ctx.config.cwd, check.file);
  ctx.out.result({ ok: check.fresh, fresh: check.fresh, missing: check.missing, file, diff: check.diff });
  if (check.fresh) return ctx.out.line(`${file} is up to date`);
  const hint = `run \`dbctl ${command}${fromMigrations ? ' --from-migrations' : ''}\` (with the same options) and commit ${file}`;
  const shown = check.diff.slice(0, ctx.out.verbose ? Infinity : 40);
  const more = check.diff.length - shown.length;
  throw new CheckFailedError(check.missing ? `${file} does not exist` : `${file} is stale: ${check.diff.length} line(s) differ from the schema`, {
    hint,
    failureReport: [...shown.map((l) => `  ${l}`), ...(more > 0 ? [`  … ${more} more (-v shows all)`] : [])].join('\n'),
  }, 'schema_stale');
}
