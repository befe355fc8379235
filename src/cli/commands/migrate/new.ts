import path from 'node:path';
import type { Command } from 'commander';
import { commandContext } from '../../context.js';

export function registerMigrateNew(migrate: Command): void {
  migrate
    .command('new <name>')
    .alias('make') // kysely-ctl's word (docs/coming-from.md)
    .description('create a timestamped migration file from a template')
    .option('--sql', 'a .sql file (dbmate format) instead of TypeScript')
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, { database: false });
      const { createMigrationFile } = await import('../../../migrate/new.js');
      const file = createMigrationFile({
        dir: ctx.config.migrations.dir,
        name,
        sql: opts.sql,
        template: opts.sql ? ctx.config.migrations.sqlTemplate : ctx.config.migrations.template,
      });
      ctx.out.result({ file: path.relative(ctx.config.cwd, file) });
      ctx.out.line(`created ${path.relative(ctx.config.cwd, file)}`);
    });
}
