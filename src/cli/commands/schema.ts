import path from 'node:path';
import type { Command } from 'commander';
import type { Database } from '../../driver/open.js';
import { CheckFailedError, UsageError } from '../../errors.js';
import type { StaleCheck } from '../../schema/index.js';
import { commandContext, withDatabase, type CommandContext } from '../context.js';

/** `dbctl schema drift | dump | erd`: the live schema against its migrations, as SQL, as a diagram. */
export function registerSchema(program: Command): void {
  const schema = program.command('schema').description('schema safety: drift against the migrations, a committed schema.sql, an ERD');

  schema
    .command('drift')
    .description('compare the database with the schema its migrations build; exit 4 on any difference')
    .option('--schema <name...>', 'only these schemas')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const { detectDrift, describeSchemaDiff } = await import('../../schema/index.js');
      await withDatabase(ctx, async (database) => {
        const { diff, reference } = await detectDrift(database, ctx.config, {
          schemas: opts.schema,
          onEvent: (e) => e.type === 'building' && ctx.out.info(ctx.out.color.dim(`building the migrated template ${e.template} (once per migration set)`)),
        });
        const { missing, extra, changed } = diff;
        ctx.out.result({ ok: diff.equal, equal: diff.equal, reference: reference.template, missing, extra, changed });
        if (diff.equal) return ctx.out.line('no drift: the database matches what its migrations build');
        const count = missing.length + extra.length + changed.length;
        throw new CheckFailedError(`schema drift: ${count} object(s) differ from what the migrations build`, {
          hint: 'a change made outside the migrations (write a migration for it, or undo it), or migrations not yet applied (`dbctl migrate status`)',
          data: { report: describeSchemaDiff(diff).join('\n') },
        }, 'schema_drift');
      });
    });

  schema
    .command('dump')
    .description('write the schema as a deterministic SQL file (schema.out, default schema.sql) to commit beside the migrations')
    .option('--out <file>', 'write this file instead of schema.out; - for stdout')
    .option('--check', 'write nothing; exit 4 if the file is missing or stale')
    .option('--from-migrations', 'use a throwaway embedded database with every migration applied (no server needed)')
    .option('--schema <name...>', 'only these schemas')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const s = await import('../../schema/index.js');
      await withSource(ctx, opts.fromMigrations, async (database) => {
        if (opts.out === '-') return process.stdout.write(await s.generateSchemaDump(database, ctx.config, { schemas: opts.schema }));
        const file = s.schemaFileOf(ctx.config, opts.out);
        if (opts.check) return reportCheck(ctx, s.compareWithFile(file, await s.generateSchemaDump(database, ctx.config, { schemas: opts.schema })), 'schema dump', opts.fromMigrations);
        const { changed } = await s.writeSchemaDump(database, ctx.config, { out: file, schemas: opts.schema });
        reportWrite(ctx, file, changed);
      });
    });

  schema
    .command('erd')
    .description('an entity-relationship diagram of the schema: Mermaid, Graphviz DOT or SVG')
    .option('--format <format>', 'mermaid, dot or svg (needs Graphviz); default from --out, else mermaid')
    .option('--out <file>', 'write this file (a .md file gets a Markdown page around the Mermaid block); default stdout')
    .option('--check', 'write nothing; exit 4 if --out is missing or stale')
    .option('--from-migrations', 'use a throwaway embedded database with every migration applied (no server needed)')
    .option('--schema <name...>', 'only these schemas')
    .option('--tables <pattern...>', 'only these tables and views (name or schema.name; * wildcard)')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      if (opts.check && !opts.out) throw new UsageError('schema erd --check needs --out FILE: the committed diagram to compare');
      const s = await import('../../schema/index.js');
      s.erdFormatOf(opts); // a bad --format is refused before any database is opened
      await withSource(ctx, opts.fromMigrations, async (database) => {
        const content = await s.generateErd(database, ctx.config, { format: opts.format, out: opts.out, schemas: opts.schema, tables: opts.tables });
        if (!opts.out) return process.stdout.write(content);
        const file = path.resolve(ctx.config.cwd, opts.out);
        if (opts.check) return reportCheck(ctx, s.compareWithFile(file, content), 'schema erd', opts.fromMigrations);
        reportWrite(ctx, file, s.writeFileIfChanged(file, content));
      });
    });
}

/** The live database, or with --from-migrations a throwaway embedded one built from the migrations. */
async function withSource(ctx: CommandContext, fromMigrations: boolean | undefined, fn: (database: Database) => Promise<unknown>): Promise<void> {
  if (!fromMigrations) return void (await withDatabase(ctx, fn));
  const { withMigratedDatabase } = await import('../../typegen/from-migrations.js');
  await withMigratedDatabase(ctx.config, async (database, report) => {
    ctx.out.info(ctx.out.color.dim(`scratch embedded database: ${report.results.length} migration(s) applied`));
    await fn(database);
  });
}

function reportWrite(ctx: CommandContext, absolute: string, changed: boolean): void {
  const file = path.relative(ctx.config.cwd, absolute);
  ctx.out.result({ ok: true, file, changed });
  ctx.out.line(changed ? `wrote ${file}` : `${file} is up to date`);
}

function reportCheck(ctx: CommandContext, check: StaleCheck, command: string, fromMigrations: boolean | undefined): void {
  const file = path.relative(ctx.config.cwd, check.file);
  ctx.out.result({ ok: check.fresh, fresh: check.fresh, missing: check.missing, file, diff: check.diff });
  if (check.fresh) return ctx.out.line(`${file} is up to date`);
  const hint = `run \`dbctl ${command}${fromMigrations ? ' --from-migrations' : ''}\` (with the same options) and commit ${file}`;
  const shown = check.diff.slice(0, ctx.out.verbose ? Infinity : 40);
  const more = check.diff.length - shown.length;
  throw new CheckFailedError(check.missing ? `${file} does not exist` : `${file} is stale: ${check.diff.length} line(s) differ from the schema`, {
    hint,
    data: { report: [...shown.map((l) => `  ${l}`), ...(more > 0 ? [`  … ${more} more (-v shows all)`] : [])].join('\n') },
  }, 'schema_stale');
}

/** `migrate up --dump-schema`: keeps the committed schema file current (stderr: stdout is migrate's report). */
export async function dumpAfterMigrate(ctx: CommandContext, database: Database): Promise<void> {
  const { writeSchemaDump } = await import('../../schema/index.js');
  const { file, changed } = await writeSchemaDump(database, ctx.config);
  const shown = path.relative(ctx.config.cwd, file);
  ctx.out.info(`schema dump: ${changed ? `wrote ${shown}` : `${shown} is up to date`}`);
}
