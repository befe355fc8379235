import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { SeedEvent, SeedRunReport, TableCounts } from '../../seed/index.js';
import { parseTarget } from '../../driver/url.js';
import { commandContext, withDatabase, type CommandContext } from '../context.js';
import { addGuardOptions, guardDestructive } from '../guard.js';
import { positiveInt } from '../parse.js';

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
    if (!opts.dryRun) await guardDestructive(ctx, parseTarget(ctx.config.url, ctx.config.cwd), 'seed', opts);
    const [{ runSeeds }, { assertSeedsFolder }] = await Promise.all([import('../../seed/index.js'), import('../../config/folders.js')]);
    assertSeedsFolder(ctx.config.seeds.dir);
    const progress = await progressBar(ctx);
    await withDatabase(ctx, async (database) => {
      try {
        const report = await runSeeds({ database, config: ctx.config, only: opts.only, scale: opts.scale, seed: opts.seed, dryRun: opts.dryRun, onEvent: (e) => renderEvent(ctx, e, progress) });
        renderReport(ctx, report);
      } finally {
        progress?.stop();
      }
    });
  });

  seed
    .command('new <name>')
    .description('create a seed file in seeds/common (or seeds/<env> with --env)')
    .action(async (name: string, _opts, command: Command) => {
      const ctx = await commandContext(command, { database: false });
      const { createSeedFile } = await import('../../seed/new.js');
      const file = createSeedFile({ dir: ctx.config.seeds.dir, name, env: ctx.globals.env });
      ctx.out.result({ file: path.relative(ctx.config.cwd, file) });
      ctx.out.line(`created ${path.relative(ctx.config.cwd, file)}`);
    });
}

function wholeNumber(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${option} takes a whole number ≥ 0, got "${value}"`);
    return n;
  };
}

type Progress = { update(e: Extract<SeedEvent, { type: 'progress' }>): void; stop(): void };

/**
 * rows/s and ETA for long bulk loads, on stderr, only on a terminal and never with --json. A bar
 * appears only once a load has run for half a second, so small seeds print nothing extra.
 */
async function progressBar(ctx: CommandContext): Promise<Progress | undefined> {
  if (!ctx.out.showsProgress) return undefined;
  const { default: cliProgress } = await import('cli-progress');
  let bar: InstanceType<typeof cliProgress.SingleBar> | undefined;
  let startedAt = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    stop,
    update(e) {
      if (e.rows === 0 && !e.done) startedAt = Date.now();
      if (e.done) return stop();
      const elapsed = (Date.now() - startedAt) / 1000;
      const payload = { label: `${e.seed} → ${e.table}`, speed: Math.round(e.rows / Math.max(elapsed, 0.001)) };
      if (!bar && elapsed >= 0.5) {
        const format = e.total
          ? '{label} [{bar}] {percentage}% | {value}/{total} rows | {speed} rows/s | ETA {eta_formatted}'
          : '{label} | {value} rows | {speed} rows/s';
        bar = new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
        bar.start(e.total ?? 0, e.rows, payload);
      } else {
        bar?.update(e.rows, payload);
      }
    },
  };
}

function renderEvent(ctx: CommandContext, event: SeedEvent, progress: Progress | undefined): void {
  if (event.type === 'progress') return progress?.update(event);
  if (event.type !== 'done' || ctx.out.json) return;
  const c = ctx.out.color;
  const { report } = event;
  ctx.out.line(`${c.green('seeded')} ${report.name} ${c.dim(`(${report.durationMs} ms)`)}${Object.keys(report.tables).length ? ': ' : ''}${describeCounts(report.tables)}`);
}

function renderReport(ctx: CommandContext, report: SeedRunReport): void {
  const { out } = ctx;
  out.result({ ok: true, ...report });
  const c = out.color;
  const where = `environment ${report.env}, seed ${report.seed}, scale ${report.scale}`;
  if (report.seeds.length === 0) {
    const dir = path.relative(ctx.config.cwd, ctx.config.seeds.dir) || '.';
    out.line(`no seed files for ${where} (looked in ${dir}/common and ${dir}/${report.env})`);
    return;
  }
  const rows = describeCounts(report.totals) || 'no rows changed';
  out.line(`${report.dryRun ? c.yellow('dry run, rolled back: ') : ''}${report.seeds.length} seed(s) in ${report.durationMs} ms (${where}): ${rows}`);
}

function describeCounts(tables: Record<string, TableCounts>): string {
  return Object.entries(tables)
    .map(([table, n]) => `${table} ${[n.inserted && `+${n.inserted}`, n.updated && `~${n.updated}`, n.deleted && `-${n.deleted}`].filter(Boolean).join(' ')}`)
    .join(', ');
}
