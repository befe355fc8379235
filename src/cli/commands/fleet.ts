import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Fleet, FleetEvent, FleetMemberResult, FleetOperation, FleetReport } from '../../fleet/index.js';
import { CheckFailedError, OperationError, UsageError } from '../../errors.js';
import { commandContext, type CommandContext } from '../context.js';
import { addGuardOptions } from '../guard.js';
import { table } from '../output.js';
import { positiveInt } from '../parse.js';

interface FleetOptions {
  fleet?: string;
  allDatabases?: string;
  concurrency?: number;
  failFast?: boolean;
  canary?: number;
  force?: boolean;
  confirm?: string;
}

/** `dbctl fleet …`: one command on every database of a fleet, in this process. */
export function registerFleet(program: Command): void {
  const fleet = program
    .command('fleet')
    .description('run status, verify, migrate, seed or a SQL file on every database of a fleet (tenant databases or schemas)')
    .option('--fleet <name>', 'a fleet declared in the config (fleets.<name>)')
    .option('--all-databases <pattern>', 'every database on the configured server whose name is LIKE PATTERN (e.g. tenant_%)')
    .option('--concurrency <n>', "databases at once per server (default: a third of the server's free connections, at most 16)", positiveInt('--concurrency'))
    .option('--fail-fast', 'start no other database once one fails')
    .option('--canary <n>', 'run the first N databases first; stop if any of them fails', positiveInt('--canary'));
  const lockTimeout = () => new Option('--lock-timeout <duration>', "wait this long for another runner's lock on each database (default 60s)");
  const ddlTimeout = () => new Option('--ddl-lock-timeout <duration>', 'lock_timeout for each statement; 0 = off (default 5s)');

  fleet
    .command('status')
    .description('where every database stands: applied, pending, modified, missing')
    .option('--check', 'exit 4 if any database has anything pending, modified or missing')
    .action(async (opts, command: Command) => {
      const { fleetStatus } = await import('../../fleet/index.js');
      await runOnFleet(command, 'status', () => fleetStatus, { check: opts.check });
    });

  fleet
    .command('verify')
    .description('check on every database that applied migrations match their files and order (exit 4 if any does not)')
    .action(async (_opts, command: Command) => {
      const { fleetVerify } = await import('../../fleet/index.js');
      await runOnFleet(command, 'verify', () => fleetVerify);
    });

  const migrate = fleet.command('migrate').description('apply or revert migrations on every database');
  migrate
    .command('up')
    .description('apply pending migrations on every database, each in its own transaction')
    .option('--step <n>', 'apply at most N migrations per database', positiveInt('--step'))
    .option('--to <name>', 'apply up to and including NAME')
    .option('--allow-drift', 'apply even if applied migrations were changed or removed')
    .option('--allow-unordered', 'apply new migrations that sort before applied ones')
    .addOption(lockTimeout())
    .addOption(ddlTimeout())
    .action(async (opts, command: Command) => {
      const { fleetUp } = await import('../../fleet/index.js');
      await runOnFleet(command, 'migrate up', () => fleetUp({ step: opts.step, to: opts.to, allowDrift: opts.allowDrift, allowUnordered: opts.allowUnordered }), {
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
      .addOption(lockTimeout())
      .addOption(ddlTimeout()),
    'allow in a protected environment (with --confirm FLEET)',
  ).action(async (opts, command: Command) => {
    const chosen = ['step', 'to', 'all', 'batch'].filter((k) => opts[k] !== undefined);
    if (chosen.length > 1) throw new UsageError(`choose one of --step, --to, --all, --batch (got ${chosen.map((c) => '--' + c).join(', ')})`);
    const { fleetDown } = await import('../../fleet/index.js');
    await runOnFleet(command, 'migrate down', () => fleetDown({ step: opts.step, to: opts.to, all: opts.all, batch: opts.batch, allowDrift: opts.allowDrift }), {
      destructive: true,
      overrides: { lockTimeout: opts.lockTimeout, ddlLockTimeout: opts.ddlLockTimeout },
    });
  });

  addGuardOptions(
    fleet
      .command('seed')
      .description("run the environment's seeds on every database")
      .option('--only <name...>', 'run only these seeds')
      .option('--scale <n>', 'multiply row counts', positiveInt('--scale'))
      .option('--seed <n>', 'faker seed (a whole number ≥ 0)', (v) => {
        if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError(`--seed takes a whole number ≥ 0, got "${v}"`);
        return Number(v);
      }),
    'allow in a protected environment (with --confirm FLEET)',
  ).action(async (opts, command: Command) => {
    const { fleetSeed } = await import('../../fleet/index.js');
    await runOnFleet(command, 'seed', (ctx) => {
      const { assertSeedsFolder } = ctx.folders;
      assertSeedsFolder(ctx.config.seeds.dir);
      return fleetSeed({ only: opts.only, scale: opts.scale, seed: opts.seed });
    }, { destructive: true, migrations: false });
  });

  addGuardOptions(
    fleet.command('exec <file>').description('run a SQL file on every database, in one transaction per database'),
    'allow in a protected environment (with --confirm FLEET)',
  ).action(async (file: string, _opts, command: Command) => {
    const { fleetExec } = await import('../../fleet/index.js');
    await runOnFleet(command, `exec ${path.basename(file)}`, (ctx) => {
      const text = fs.readFileSync(path.resolve(ctx.config.cwd, file), 'utf8');
      if (!text.trim()) throw new UsageError(`${file} is empty`);
      return fleetExec(text);
    }, { destructive: true, migrations: false });
  });
}

interface RunSettings {
  check?: boolean;
  destructive?: boolean;
  /** The command reads the migrations folder (default true). */
  migrations?: boolean;
  overrides?: import('../../config/resolve.js').ConfigOverrides;
}

type Prepared = CommandContext & { folders: typeof import('../../config/folders.js') };

async function runOnFleet(command: Command, operationName: string, operation: (ctx: Prepared) => FleetOperation, settings: RunSettings = {}): Promise<void> {
  const opts = command.optsWithGlobals() as FleetOptions;
  const ctx = await commandContext(command, settings.overrides ?? {});
  const [fleetModule, folders] = await Promise.all([import('../../fleet/index.js'), import('../../config/folders.js')]);
  if (settings.migrations !== false) folders.assertMigrationsFolder(ctx.config.migrations.dir);
  const op = operation({ ...ctx, folders });
  const fleet = await fleetModule.resolveFleet(ctx.config, { fleet: opts.fleet, allDatabases: opts.allDatabases });
  announceFleet(ctx, fleet, opts);
  if (settings.destructive) fleetModule.assertFleetDestructiveAllowed({ config: ctx.config, fleet, operation: operationName, force: opts.force, confirm: opts.confirm });
  const progress = await progressDisplay(ctx, fleet);
  let report: FleetReport;
  try {
    report = await fleetModule.runFleet({
      fleet,
      config: ctx.config,
      operationName,
      operation: op,
      concurrency: opts.concurrency,
      failFast: opts.failFast,
      canary: opts.canary,
      onEvent: (e) => progress?.update(e),
    });
  } finally {
    progress?.stop();
  }
  render(ctx, report, operationName === 'status');
  const failed = report.results.filter((r) => r.status === 'failed');
  if (failed.length) {
    const summary = `fleet ${operationName}: ${failed.length} of ${report.summary.total} database(s) failed${report.stopped ? `; ${report.summary.skipped} not started (${report.stopped === 'canary' ? 'the canary failed' : '--fail-fast'})` : ''}`;
    const hint = report.stopped === 'canary' ? 'fix the failure and run again: databases that succeeded keep their state' : 'run again after fixing: each database continues where it stands';
    if (failed.every((r) => r.error?.exitCode === 4)) throw new CheckFailedError(summary, { hint }, 'fleet_check_failed');
    throw new OperationError(summary, { hint }, 'fleet_failed');
  }
  if (settings.check) {
    const behind = report.results.filter((r) => r.detail && ((r.detail.pending as number) || (r.detail.modified as number) || (r.detail.missing as number)));
    if (behind.length) throw new CheckFailedError(`${behind.length} of ${report.summary.total} database(s) have migrations pending, modified or missing`, {}, 'fleet_status_check');
  }
}

function announceFleet(ctx: CommandContext, fleet: Fleet, opts: FleetOptions): void {
  const servers = [...new Set(fleet.members.map((m) => m.server))];
  ctx.out.target({
    url: `fleet:${fleet.name}`,
    description: `fleet ${fleet.name}: ${fleet.members.length} database(s) on ${servers.length ? servers.join(', ') : 'no server'}`,
    env: ctx.config.env,
    source: opts.allDatabases ? '--all-databases' : `fleets.${fleet.name}`,
  });
  if (!fleet.members.length) throw new UsageError(`fleet ${fleet.name} has no databases`, { hint: opts.allDatabases ? 'check the pattern (LIKE: % matches anything, _ one character)' : 'check its definition in the config' }, 'fleet_empty');
}

/**
 * On a terminal (not with --json): done / failed / running of the total, and the database that has
 * been running longest.
 */
async function progressDisplay(ctx: CommandContext, fleet: Fleet): Promise<{ update(e: FleetEvent): void; stop(): void } | undefined> {
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
  bar.start(fleet.members.length, 0, payload());
  const timer = setInterval(() => bar.update(done, payload()), 250);
  timer.unref();
  return {
    update(e) {
      if (e.type === 'start') running.set(e.member.name, Date.now());
      if (e.type === 'done') {
        running.delete(e.member.name);
        done++;
        if (e.result.status === 'failed') failed++;
      }
      bar.update(done, payload());
    },
    stop() {
      clearInterval(timer);
      bar.stop();
    },
  };
}

function render(ctx: CommandContext, report: FleetReport, status: boolean): void {
  const { out } = ctx;
  const c = out.color;
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
