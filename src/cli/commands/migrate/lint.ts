import type { Command } from 'commander';
import { commandContext, withDatabase } from '../../context.js';
import { renderLint } from '../../render/migrate.js';
import { lintConfig } from '../../../config/props.js';

/** `migrate lint`: squawk and dbctl's rules; never changes the target. */
export function registerMigrateLint(migrate: Command): void {
  migrate
    .command('lint [names...]')
    .description('lint pending migrations (squawk + dbctl\'s large-table rules); exit 4 on an error')
    .option('--all', 'lint applied migrations too')
    .action(async (names: string[], opts, command: Command) => {
      const ctx = await commandContext(command);
      const [{ lintMigrations }, { lintFailedError }] = await Promise.all([import('../../../lint/index.js'), import('../../../lint/failed.js')]);
      await withDatabase(ctx, async (database) => {
        const report = await lintMigrations({ database, ...lintConfig(ctx.config), names, all: opts.all });
        renderLint(ctx, report);
        ctx.out.result(report);
        if (!report.ok) throw lintFailedError(report);
      });
    });
}
