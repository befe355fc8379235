import type { Command } from 'commander';
import { commandContext } from '../../context.js';
import { addGuardOptions, guardOptions } from '../../guard.js';
import { lockTimeoutOption } from '../../options.js';
import { renderRun } from '../../render/migrate.js';
import { withMigrator } from './shared.js';

/** `migrate repair` and `migrate baseline`: change the record of what is applied, not the schema. */
export function registerMigrateRecord(migrate: Command): void {
  addGuardOptions(
    migrate
      .command('repair [names...]')
      .description('record the current checksum of changed migrations, after review (all, or NAMES)')
      .addOption(lockTimeoutOption()),
  ).action(async (names: string[], opts, command: Command) => {
    const ctx = await commandContext(command, { lockTimeout: opts.lockTimeout });
    await withMigrator(ctx, async (migrator) => {
      const { repaired, checked } = await migrator.repair(names, guardOptions(opts));
      ctx.out.result({ ok: true, repaired, checked });
      ctx.out.line(repaired.length ? `recorded the current checksum of ${repaired.join(', ')}`
        : checked ? `nothing to repair: ${names.length ? 'the named migration(s) match their files' : `every applied migration matches its file (${checked} checked)`}`
        : 'nothing to repair: no migration is applied yet');
    });
  });

  migrate
    .command('baseline <name>')
    .description('mark every migration up to NAME as applied without running it')
    .addOption(lockTimeoutOption())
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, { lockTimeout: opts.lockTimeout });
      await withMigrator(ctx, async (migrator) => renderRun(ctx, await migrator.baseline(name)));
    });
}
