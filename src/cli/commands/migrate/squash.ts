import path from 'node:path';
import type { Command } from 'commander';
import { commandContext } from '../../context.js';
import { withMigrationsDatabase } from './shared.js';

/** `migrate squash`: the migrations up to NAME become one verified baseline. */
export function registerMigrateSquash(migrate: Command): void {
  migrate
    .command('squash')
    .description('replace the migrations up to NAME with one baseline (schema + reference rows), verified on throwaway databases before anything is written')
    .option('--to <name>', 'squash up to and including NAME (default: what the database has applied, else every migration)')
    .option('--delete', 'delete the squashed files instead of moving them to .squashed/ in the migrations folder')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const { squashMigrations } = await import('../../../flows/squash.js');
      const report = await withMigrationsDatabase(ctx, (database) =>
        squashMigrations({ config: ctx.config, database, to: opts.to, delete: opts.delete, onEvent: (e) => ctx.out.info(ctx.out.color.dim(e.message)) }));
      ctx.out.result(report);
      const rel = (file: string) => path.relative(ctx.config.cwd, file) || file;
      ctx.out.line(`squashed ${report.squashed.length} migration(s) into ${rel(report.baseline.file)}${report.data.length ? ` (with the rows of ${report.data.map((t) => `${t.schema}.${t.table}`).join(', ')})` : ''}`);
      ctx.out.line(report.archivedTo ? `moved them to ${rel(report.archivedTo)}` : 'deleted them');
      ctx.out.line('verified: a database built from the squash has the schema and digests of one built from the history, and migrate test passes');
    });
}
