import type { Command } from 'commander';
import { commandContext, withDatabase } from '../../context.js';
import { seedConfig } from '../../../config/props.js';
import { addGuardOptions, guardBeforeOpening } from '../../guard.js';
import { positiveInt, wholeNumber } from '../../options.js';
import { renderSeedEvent, renderSeedReport, seedProgress } from '../../render/seed.js';
import { registerSeedNew } from './new.js';

export function registerSeed(program: Command): void {
  const seed = addGuardOptions(
    program
      .command('seed')
      .description('run the seeds of the environment (seeds/common, then seeds/<env>), each file in its own transaction')
      .option('--only <name...>', 'run only these seeds (e.g. 02_users or development/02_users)')
      .option('--scale <n>', "multiply row counts (default: the environment's `scale`, else 1)", positiveInt('--scale'))
      .option('--seed <n>', 'faker seed (default: `seeds.seed` in the config, else 42)', wholeNumber('--seed'))
      .option('--dry-run', 'run every seed and report its rows, then roll back'),
  ).action(async (opts, command: Command) => {
    const ctx = await commandContext(command);
    const allowed = opts.dryRun ? {} : await guardBeforeOpening(ctx, ctx.config.target, 'seed', opts);
    const [{ runSeeds }, { assertSeedsFolder }] = await Promise.all([import('../../../seed/index.js'), import('../../../config/folders.js')]);
    assertSeedsFolder(ctx.config.seeds.dir);
    const progress = await seedProgress(ctx);
    await withDatabase(ctx, async (database) => {
      try {
        const report = await runSeeds({ database, ...seedConfig(ctx.config), ...allowed, only: opts.only, scale: opts.scale ?? ctx.config.seeds.scale, seed: opts.seed ?? ctx.config.seeds.seed, dryRun: opts.dryRun, onEvent: (e) => renderSeedEvent(ctx, e, progress) });
        renderSeedReport(ctx, report);
      } finally {
        progress?.stop();
      }
    });
  });
  registerSeedNew(seed);
}
