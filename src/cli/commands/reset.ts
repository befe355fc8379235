import type { Command } from 'commander';
import { parseTarget } from '../../driver/url.js';
import type { Database } from '../../driver/open.js';
import type { ResetReport, SequenceRef, TableRef } from '../../reset/index.js';
import type { SeedRunReport } from '../../seed/index.js';
import { commandContext, withDatabase, type CommandContext } from '../context.js';
import { addGuardOptions, guardDestructive } from '../guard.js';

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
    if (!opts.dryRun) await guardDestructive(ctx, parseTarget(ctx.config.url, ctx.config.cwd), 'reset', opts);
    if (opts.seed) (await import('../../config/folders.js')).assertSeedsFolder(ctx.config.seeds.dir);
    const { resetDatabase } = await import('../../reset/index.js');
    await withDatabase(ctx, async (database) => {
      const report = await resetDatabase({ database, config: ctx.config, keep: opts.keep, dryRun: opts.dryRun });
      renderReset(ctx, report);
      const seeded = opts.seed && !opts.dryRun ? await seedAfter(ctx, database) : undefined;
      ctx.out.result({ ok: true, ...report, seeded });
    }, undefined, { kysely: false });
  });
}

/** Runs the environment's seeds once the tables are empty (`reset --seed`, `db fresh`), in one summary line. */
export async function seedAfter(ctx: CommandContext, database: Database): Promise<SeedRunReport> {
  const { runSeeds } = await import('../../seed/index.js');
  const report = await runSeeds({ database, config: ctx.config });
  const rows = Object.values(report.totals).reduce((n, t) => n + t.inserted + t.updated, 0);
  ctx.out.line(`${ctx.out.color.green('seeded')} ${report.seeds.length} seed file(s) for environment ${report.env}: ${rows} row(s) in ${Object.keys(report.totals).length} table(s) ${ctx.out.color.dim(`(${report.durationMs} ms)`)}`);
  return report;
}

function renderReset(ctx: CommandContext, report: ResetReport): void {
  const { out } = ctx;
  const c = out.color;
  const name = (t: TableRef) => (report.schemas.length > 1 ? `${t.schema}.${t.table}` : t.table);
  const list = (tables: TableRef[]) => tables.map(name).join(', ') || '(none)';
  const verb = report.dryRun ? 'would truncate' : 'truncated';
  out.line(`${c.green(verb)} ${report.truncated.length} table(s) in ${report.schemas.join(', ')}${report.truncated.length ? ' (identities restarted)' : ''}: ${list(report.truncated)}`);
  if (report.sequences.length) {
    const seq = (s: SequenceRef) => (report.schemas.length > 1 || s.schema !== report.schemas[0] ? `${s.schema}.${s.sequence}` : s.sequence);
    out.line(`${report.dryRun ? 'would restart' : 'restarted'} ${report.sequences.length} sequence(s) no column owns: ${report.sequences.map(seq).join(', ')}`);
  }
  out.line(c.dim(`kept: ${list(report.kept)}`));
  // Tables outside the managed schemas: the user did not ask for them, so this is a warning.
  if (report.cascaded.length) out.warn(`also emptied, as they reference emptied tables: ${report.cascaded.map((t) => `${t.schema}.${t.table}`).join(', ')}`);
}
