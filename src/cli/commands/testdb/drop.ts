import type { Command } from 'commander';
import { parseDuration } from '../../../config/duration.js';
import { UsageError } from '../../../errors.js';
import { reportDropped, testdbContext } from './shared.js';

/** `testdb drop` and `testdb prune`. */
export function registerTestdbDrop(testdb: Command): void {
  testdb
    .command('drop [name]')
    .description('drop one test database or template, or all of them (--all)')
    .option('--all', 'drop every test database and template with the configured prefix')
    .action(async (name: string | undefined, opts, command: Command) => {
      if (!!name === !!opts.all) throw new UsageError('testdb drop takes either a NAME or --all');
      const ctx = await testdbContext(command);
      const { dropTestdb, removeTestdbs } = await import('../../../testdb/index.js');
      let dropped: string[];
      if (name) {
        await dropTestdb(ctx.config, name);
        dropped = [name];
      } else dropped = await removeTestdbs(ctx.config, { all: true });
      reportDropped(ctx, dropped);
    });

  testdb
    .command('prune')
    .description('drop templates that no longer match the migrations and seeds, and clones older than --older-than')
    .option('--older-than <duration>', 'age of clones to drop', '1h')
    .action(async (opts, command: Command) => {
      const ctx = await testdbContext(command);
      const { removeTestdbs } = await import('../../../testdb/index.js');
      reportDropped(ctx, await removeTestdbs(ctx.config, { olderThanMs: parseDuration(opts.olderThan, '--older-than') }));
    });
}
