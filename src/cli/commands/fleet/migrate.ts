import type { Command } from 'commander';
import { addGuardOptions } from '../../guard.js';
import { assertOneRevertChoice, ddlTimeoutOption, lockTimeoutOption, positiveInt } from '../../options.js';
import { runOnFleet } from './run.js';

const LOCK = "another runner's lock on each database";

export function registerFleetMigrate(fleet: Command): void {
  const migrate = fleet.command('migrate').description('apply or revert migrations on every database');
  migrate
    .command('up')
    .description('apply pending migrations on every database, each in its own transaction')
    .option('--step <n>', 'apply at most N migrations per database', positiveInt('--step'))
    .option('--to <name>', 'apply up to and including NAME')
    .option('--allow-drift', 'apply even if applied migrations were changed or removed')
    .option('--allow-unordered', 'apply new migrations that sort before applied ones')
    .addOption(lockTimeoutOption(LOCK))
    .addOption(ddlTimeoutOption())
    .action(async (opts, command: Command) => {
      const { fleetUp } = await import('../../../fleet/index.js');
      await runOnFleet(command, 'migrate up', () => fleetUp({ step: opts.step, to: opts.to, allowDrift: opts.allowDrift, allowUnordered: opts.allowUnordered }), {
        writes: true,
        overrides: { lockTimeout: opts.lockTimeout, ddlLockTimeout: opts.ddlLockTimeout, allowUnordered: opts.allowUnordered },
      });
    });

  addGuardOptions(
    migrate
      .command('down')
      .description('revert the last migration (or more) on every database')
      .option('--step <n>', 'revert N migrations', positiveInt('--step'))
      .option('--to <name>', 'revert every migration after NAME')
      .option('--all', 'revert every applied migration')
      .option('--batch', 'revert the last `migrate up` run of each database')
      .option('--allow-drift', 'revert even if the files changed since they were applied')
      .addOption(lockTimeoutOption(LOCK))
      .addOption(ddlTimeoutOption()),
    'allow in a protected environment (with --confirm FLEET)',
  ).action(async (opts, command: Command) => {
    assertOneRevertChoice(opts);
    const { fleetDown } = await import('../../../fleet/index.js');
    await runOnFleet(command, 'migrate down', () => fleetDown({ step: opts.step, to: opts.to, all: opts.all, batch: opts.batch, allowDrift: opts.allowDrift }), {
      overrides: { lockTimeout: opts.lockTimeout, ddlLockTimeout: opts.ddlLockTimeout },
    });
  });
}
