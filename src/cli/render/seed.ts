import path from 'node:path';
import type { SeedEvent, SeedRunReport, TableCounts } from '../../seed/index.js';
import type { CommandContext } from '../context.js';

export type SeedProgress = { update(e: Extract<SeedEvent, { type: 'progress' }>): void; stop(): void };

/**
 * rows/s and ETA for long bulk loads, on stderr, only on a terminal and never with --json. A bar
 * appears only once a load has run for half a second, so small seeds print nothing extra.
 */
export async function seedProgress(ctx: CommandContext): Promise<SeedProgress | undefined> {
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

export function renderSeedEvent(ctx: CommandContext, event: SeedEvent, progress: SeedProgress | undefined): void {
  if (event.type === 'progress') return progress?.update(event);
  if (event.type !== 'done' || ctx.out.json) return;
  const c = ctx.out.color;
  const { report } = event;
  ctx.out.line(`${c.green('seeded')} ${report.name} ${c.dim(`(${report.durationMs} ms)`)}${Object.keys(report.tables).length ? ': ' : ''}${describeCounts(report.tables)}`);
}

export function renderSeedReport(ctx: CommandContext, report: SeedRunReport): void {
  const { out } = ctx;
  out.result({ ok: true, ...report });
  for (const note of report.notes) out.warn(note);
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

export function describeCounts(tables: Record<string, TableCounts>): string {
  return Object.entries(tables)
    .map(([table, n]) => `${table} ${[n.inserted && `+${n.inserted}`, n.updated && `~${n.updated}`, n.deleted && `-${n.deleted}`].filter(Boolean).join(' ')}`)
    .join(', ');
}

/** One summary line for the seeds run after `reset --seed` and `db fresh`. */
export function renderSeededAfter(ctx: CommandContext, report: SeedRunReport): void {
  for (const note of report.notes) ctx.out.warn(note);
  const rows = Object.values(report.totals).reduce((n, t) => n + t.inserted + t.updated, 0);
  ctx.out.line(`${ctx.out.color.green('seeded')} ${report.seeds.length} seed file(s) for environment ${report.env}: ${rows} row(s) in ${Object.keys(report.totals).length} table(s) ${ctx.out.color.dim(`(${report.durationMs} ms)`)}`);
}
