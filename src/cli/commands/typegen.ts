import path from 'node:path';
import type { Command } from 'commander';
import type { ResolvedConfig } from '../../config/resolve.js';
import type { Database } from '../../driver/open.js';
import { CheckFailedError } from '../../errors.js';
import type { WriteResult } from '../../typegen/index.js';
import { commandContext, withDatabase, type CommandContext } from '../context.js';

export function registerTypegen(program: Command): void {
  program
    .command('typegen')
    .description('generate the Kysely DB interface from the database schema')
    .option('--out <file>', 'write this file instead of typegen.out (default src/db/types.ts)')
    .option('--check', 'write nothing; exit 4 if the file is missing or differs from the schema')
    .option('--from-migrations', 'use a throwaway embedded database with every migration applied (no server needed)')
    .option('--camel-case', "camelCase names (query with Kysely's CamelCasePlugin)")
    .option('--include-pattern <glob>', 'only tables matching this glob (table, or schema.table: "public.*")')
    .option('--exclude-pattern <glob>', 'leave out tables matching this glob (table, or schema.table)')
    .option('--schema <name...>', 'only tables in these schemas')
    .option('--runtime-enums', 'Postgres enums as TypeScript enums (values usable at run time)')
    .option('--vector-type <type>', 'TypeScript type of pgvector columns (default number[])')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const { withTypegenOptions, withMigratedDatabase } = await import('../../typegen/index.js');
      const config = withTypegenOptions(ctx.config, {
        out: opts.out,
        camelCase: opts.camelCase,
        includePattern: opts.includePattern,
        excludePattern: opts.excludePattern,
        schemas: opts.schema,
        runtimeEnums: opts.runtimeEnums,
        vectorType: opts.vectorType,
      });
      const run = async (database: Database) => {
        ctx.out.status('reading the schema and generating types');
        await (opts.check ? check(ctx, database, config, opts.fromMigrations) : write(ctx, database, config));
        ctx.out.status(undefined);
      };
      if (!opts.fromMigrations) return withDatabase(ctx, run);
      ctx.out.status('migrating a scratch embedded database');
      await withMigratedDatabase(config, async (database, report) => {
        ctx.out.status(undefined);
        ctx.out.info(ctx.out.color.dim(`scratch embedded database: ${report.results.length} migration(s) applied`));
        await run(database);
      });
    });
}

async function write(ctx: CommandContext, database: Database, config: ResolvedConfig): Promise<void> {
  const { writeTypes } = await import('../../typegen/index.js');
  const result = await writeTypes(database, config);
  ctx.out.result({ ok: true, ...result, file: path.relative(config.cwd, result.file) });
  ctx.out.line(describeWrite(config, result));
}

/** One line saying what `writeTypes` did (also used after `migrate up --typegen`). */
export function describeWrite(config: ResolvedConfig, result: WriteResult): string {
  const file = path.relative(config.cwd, result.file);
  return result.changed ? `wrote ${file} (${result.tables} tables and views)` : `${file} is up to date (${result.tables} tables and views)`;
}

async function check(ctx: CommandContext, database: Database, config: ResolvedConfig, fromMigrations: boolean): Promise<void> {
  const { inspectTypes } = await import('../../typegen/index.js');
  const result = await inspectTypes(database, config);
  const file = path.relative(config.cwd, result.file);
  if (result.fresh) {
    ctx.out.result({ ok: true, fresh: true, file });
    ctx.out.line(`${file} is up to date`);
    return;
  }
  const hint = `run \`dbctl typegen${fromMigrations ? ' --from-migrations' : ''}\` (with the same options) and commit ${file}`;
  if (result.missing) throw new CheckFailedError(`${file} does not exist`, { hint, data: { fresh: false, missing: true, file } }, 'typegen_stale');
  const report = [
    ...result.summary.map((line) => `  ${line}`),
    ...(ctx.out.verbose && result.diff ? ['', result.diff] : []),
  ].join('\n');
  throw new CheckFailedError(`${file} is stale: ${result.summary.length || 'some'} declaration(s) differ from the schema`, {
    hint,
    data: { fresh: false, missing: false, file, diff: result.diff, summary: result.summary, report },
  }, 'typegen_stale');
}
