import type { Command } from 'commander';
import { commandContext, withDatabase } from '../context.js';
import { resetConfig, seedConfig } from '../../config/props.js';
import { addGuardOptions, guardBeforeOpening } from '../guard.js';
import { renderReset } from '../render/reset.js';
import { renderSeededAfter } from '../render/seed.js';

export function registerReset(program: Command): void {
  addGuardOptions(
    program
      .command('reset')
      .description('empty every table but the migration history (one TRUNCATE … RESTART IDENTITY)')
      .option('--keep <table...>', 'leave these tables as they are (table or schema.table)')
      .option('--seed', 'run the seeds afterwards')
      .option('--dry-run', 'list the tables that would be emptied; change nothing'),
  ).action(async (opts, command: Command) => {
    const ctx = await commandContext(command);
    const allowed = opts.dryRun ? {} : await guardBeforeOpening(ctx, ctx.config.target, 'reset', opts);
    const [{ resetAndSeed }, { assertSeedsFolder }] = await Promise.all([import('../../flows/reset-and-seed.js'), import('../../config/folders.js')]);
    // Before the database is opened: a wrong folder must not even create an embedded database.
    if (opts.seed) assertSeedsFolder(ctx.config.seeds.dir);
    await withDatabase(ctx, async (database) => {
      const report = await resetAndSeed({ database, ...resetConfig(ctx.config), ...allowed, keep: opts.keep, dryRun: opts.dryRun, seed: opts.seed ? seedConfig(ctx.config) : undefined, onReset: (r) => renderReset(ctx, r) });
      if (report.seeded) renderSeededAfter(ctx, report.seeded);
      ctx.out.result({ ok: true, ...report });
    });
  });
}
