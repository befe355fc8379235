import type { Fleet, FleetEvent, FleetMemberResult, FleetReport } from '../../fleet/index.js';
import type { CommandContext } from '../context.js';
import { table } from '../output.js';

/** The fleet as the command's target (first line on stderr; `target` in JSON). */
export function announceFleet(ctx: CommandContext, fleet: Fleet, source: string): void {
  const servers = [...new Set(fleet.members.map((m) => m.server))];
  ctx.out.target({
    url: `fleet:${fleet.name}`,
    description: `fleet ${fleet.name}: ${fleet.members.length} database(s) on ${servers.length ? servers.join(', ') : 'no server'}`,
    env: ctx.config.env,
    source,
  });
}

/** The most members named before a write; past it, how many more (`fleet status` lists every one). */
const LISTED_MEMBERS = 100;

/**
 * Before a write, every database it will change, on stderr (also under --json): a pattern or a
 * control-plane function shows what it expanded to before anything runs.
 */
export function listFleetMembers(ctx: CommandContext, fleet: Fleet, operation: string): void {
  if (ctx.out.quiet) return;
  const names = fleet.members.slice(0, LISTED_MEMBERS).map((m) => m.name);
  const more = fleet.members.length - names.length;
  ctx.out.info(`${operation} on: ${names.join(', ')}${more > 0 ? `, and ${more} more (fleet status lists them all)` : ''}`);
}

/**
 * On a terminal (not with --json): done / failed / running of the total, and the database that has
 * been running longest.
 */
export async function fleetProgress(ctx: CommandContext, fleet: Fleet): Promise<{ update(e: FleetEvent): void; stop(): void } | undefined> {
  if (!ctx.out.isTTY) return undefined;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar({
    format: 'fleet [{bar}] {value}/{total} done | {failed} failed | {running} running{slowest}',
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  const running = new Map<string, number>();
  let done = 0;
  let failed = 0;
  const payload = () => {
    let slowest = '';
    let since = Infinity;
    for (const [name, t] of running) if (t < since) [slowest, since] = [name, t];
    return { failed, running: running.size, slowest: slowest ? ` | slowest: ${slowest} (${((Date.now() - since) / 1000).toFixed(1)} s)` : '' };
  };
  // Started at the run's plan: after runFleet's guard, and after the members are listed.
  let timer: NodeJS.Timeout | undefined;
  return {
    update(e) {
      if (e.type === 'plan' && !timer) {
        bar.start(fleet.members.length, 0, payload());
        timer = setInterval(() => bar.update(done, payload()), 250);
        timer.unref();
      }
      if (e.type === 'start') running.set(e.member.name, Date.now());
      if (e.type === 'done') {
        running.delete(e.member.name);
        done++;
        if (e.result.status === 'failed') failed++;
      }
      bar.update(done, payload());
    },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      bar.stop();
    },
  };
}

export function renderFleetReport(ctx: CommandContext, report: FleetReport): void {
  const { out } = ctx;
  const c = out.color;
  const status = report.operation === 'status';
  out.result({ ok: report.summary.failed === 0, ...report });
  if (out.json) return;
  const version = (v: FleetMemberResult['before']) => (v ? String(v.applied) : '?');
  const mark = { ok: c.green('ok'), failed: c.red('failed'), skipped: c.dim('skipped') } as const;
  const rows = status
    ? [['database', 'status', 'applied', 'pending', 'last migration', 'problem']]
    : [['database', 'status', 'before → after', 'applied', 'time', 'last migration', 'error']];
  for (const r of report.results) {
    const error = r.error ? `${r.error.message.split('\n')[0]}` : '';
    if (status) {
      const d = (r.detail ?? {}) as Record<string, number>;
      const problem = [d.modified && `${d.modified} modified`, d.missing && `${d.missing} missing`, d.unordered && `${d.unordered} unordered`].filter(Boolean).join(', ');
      rows.push([r.name, mark[r.status], version(r.after), r.detail ? String(d.pending) : '', r.after?.last ?? '', error || (problem ? c.red(problem) : '')]);
    } else {
      rows.push([r.name, mark[r.status], r.status === 'skipped' ? '' : `${version(r.before)} → ${version(r.after)}`, String(r.applied), r.status === 'skipped' ? '' : `${(r.durationMs / 1000).toFixed(2)} s`, r.after?.last ?? '', error]);
    }
  }
  out.line(table(rows, c));
  const s = report.summary;
  const servers = Object.entries(report.concurrency).map(([server, n]) => `${n} at once on ${server}`).join(', ');
  out.line(
    `fleet ${report.fleet}: ${report.operation} on ${s.total} database(s) in ${(report.durationMs / 1000).toFixed(1)} s (${servers}): ` +
      `${c.green(`${s.ok} ok`)}, ${s.failed ? c.red(`${s.failed} failed`) : '0 failed'}${s.skipped ? `, ${s.skipped} not started` : ''}` +
      (report.operation.startsWith('migrate') ? `; ${s.applied} migration(s) ${report.operation === 'migrate down' ? 'reverted' : 'applied'}` : ''),
  );
}
