import type { Command } from 'commander';
import { commandContext } from '../../context.js';
import { addGuardOptions, guardOptions } from '../../guard.js';
import { assertOneRevertChoice, ddlTimeoutOption, lockTimeoutOption, positiveInt } from '../../options.js';
import { renderRun } from '../../render/migrate.js';
import { withMigrator } from './shared.js';

/** `migrate down` and `migrate redo`: guarded in a protected environment. */
export function registerMigrateDown(migrate: Command): void {
  addGuardOptions(
    migrate
      .command('down')
      .alias('rollback') // kysely-ctl's word (docs/coming-from.md)
      .description('revert the last migration (or more)')
      .option('--step <n>', 'revert N migrations', positiveInt('--step'))
      .option('--to <name>', 'revert every migration after NAME (NAME stays applied)')
      .option('--all', 'revert every applied migration')
      .option('--batch', 'revert the last `migrate up` run as a unit')
      .option('--allow-drift', 'revert even if the files changed since they were applied')
      .option('--dry-run', 'print the SQL each migration would run; change nothing'),
  )
    .addOption(lockTimeoutOption())
    .addOption(ddlTimeoutOption())
    .action(async (opts, command: Command) => {
      assertOneRevertChoice(opts);
      const ctx = await commandContext(command, { lockTimeout: opts.lockTimeout, ddlLockTimeout: opts.ddlLockTimeout });
      await withMigrator(ctx, async (migrator) => renderRun(ctx, await migrator.down({ ...opts, ...guardOptions(opts) })));
    });

  addGuardOptions(
    migrate
      .command('redo')
      .description('revert and re-apply the last migration')
      .option('--allow-drift', 'redo even if the file changed since it was applied'),
  )
    .addOption(lockTimeoutOption())
    .addOption(ddlTimeoutOption())
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command, { lockTimeout: opts.lockTimeout, ddlLockTimeout: opts.ddlLockTimeout });
      await withMigrator(ctx, async (migrator) => renderRun(ctx, await migrator.redo({ ...opts, ...guardOptions(opts) })));
    });
}
