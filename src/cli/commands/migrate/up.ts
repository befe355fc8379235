import path from 'node:path';
import type { Command } from 'commander';
import { commandContext } from '../../context.js';
import { ddlTimeoutOption, lockTimeoutOption, positiveInt } from '../../options.js';
import { renderLint, renderMigrateEvent, renderRun } from '../../render/migrate.js';
import { withMigrationsDatabase } from './shared.js';

export function registerMigrateUp(migrate: Command): void {
  migrate
    .command('up')
    .alias('latest') // kysely-ctl's word (docs/coming-from.md)
    .description('apply pending migrations, each in its own transaction')
    .option('--step <n>', 'apply at most N migrations', positiveInt('--step'))
    .option('--to <name>', 'apply up to and including NAME')
    .option('--single-transaction', 'apply all pending migrations in one transaction (all or nothing)')
    .option('--allow-drift', 'apply even if applied migrations were changed or removed (this run only; see migrate repair)')
    .option('--allow-unordered', 'apply new migrations that sort before applied ones')
    .option('--dry-run', 'print the SQL each migration would run; change nothing')
    .option('--out <dir>', 'with --dry-run: write one .sql file per pending migration (transaction mode, server version, bookkeeping) to apply with psql')
    .option('--typegen', 'regenerate Kysely types after a successful run')
    .option('--dump-schema', 'rewrite the schema file (schema.out, default schema.sql) after a successful run')
    .option('--lint', 'lint the pending migrations first; apply nothing if lint finds an error (exit 4)')
    .addOption(lockTimeoutOption())
    .addOption(ddlTimeoutOption())
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command, { lockTimeout: opts.lockTimeout, ddlLockTimeout: opts.ddlLockTimeout, allowUnordered: opts.allowUnordered });
      const { migrateUp } = await import('../../../flows/migrate-up.js');
      await withMigrationsDatabase(ctx, async (database) => {
        const report = await migrateUp({
          ...opts,
          database,
          config: ctx.config,
          onEvent: (e) => renderMigrateEvent(ctx, e),
          onLint: (lint) => {
            renderLint(ctx, lint);
            if (!lint.ok) ctx.out.result(lint);
          },
        });
        renderRun(ctx, report.run);
        const rel = (file: string) => path.relative(ctx.config.cwd, file);
        // stderr: under --json, stdout is migrate's own report.
        if (report.types) {
          const { file, changed, tables } = report.types;
          ctx.out.info(`typegen: ${changed ? `wrote ${rel(file)} (${tables} tables and views)` : `${rel(file)} is up to date (${tables} tables and views)`}`);
        }
        if (report.artifacts) ctx.out.info(`wrote ${report.artifacts.files.length} file(s) to ${rel(report.artifacts.dir) || '.'}: apply each in name order with psql -v ON_ERROR_STOP=1 -1 -f (without -1 where the file says transaction: none)`);
        if (report.schemaDump) ctx.out.info(`schema dump: ${report.schemaDump.changed ? `wrote ${rel(report.schemaDump.file)}` : `${rel(report.schemaDump.file)} is up to date`}`);
      });
    });
}
