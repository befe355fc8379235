import type { Command } from 'commander';
import type { CreateReport, DropReport } from '../../database/lifecycle.js';
import { announceTarget, commandContext, observer, type CommandContext } from '../context.js';
import { addGuardOptions, guardOptions } from '../guard.js';
import { renderSeededAfter } from '../render/seed.js';

const FORCE_DROP = 'disconnect open sessions; in a protected environment also needs --confirm';

export function registerDbLifecycle(db: Command): void {
  db.command('create')
    .description('create the database (on a server through its "postgres" database; embedded: initialise the directory)')
    .action(async (_opts, command: Command) => {
      const ctx = await commandContext(command);
      await announceTarget(ctx);
      const { createDatabase } = await import('../../database/lifecycle.js');
      const report = await createDatabase(lifecycleOptions(ctx));
      ctx.out.result({ ok: true, ...report });
      renderCreate(ctx, report);
    });

  addGuardOptions(db.command('drop').description('drop the database (embedded: remove its directory)'), FORCE_DROP).action(async (opts, command: Command) => {
    const ctx = await commandContext(command);
    await announceTarget(ctx);
    const { dropDatabase } = await import('../../database/lifecycle.js');
    const report = await dropDatabase({ ...lifecycleOptions(ctx), config: ctx.config, ...guardOptions(opts) });
    ctx.out.result({ ok: true, ...report });
    renderDrop(ctx, report);
  });

  addGuardOptions(db.command('fresh').description('drop, create, migrate and seed the database').option('--no-seed', 'stop after migrating'), FORCE_DROP).action(
    async (opts, command: Command) => {
      const ctx = await commandContext(command);
      await announceTarget(ctx);
      const { recreateDatabase } = await import('../../flows/fresh.js');
      const report = await recreateDatabase({
        config: ctx.config,
        ...guardOptions(opts),
        seed: opts.seed,
        observe: observer(ctx),
        onEvent: (event) => {
          if (event.type === 'dropped') renderDrop(ctx, event.report);
          else if (event.type === 'created') renderCreate(ctx, event.report);
          else if (event.type === 'migrated') ctx.out.line(`applied ${event.report.results.length} migration(s)`);
          else renderSeededAfter(ctx, event.report);
        },
      });
      ctx.out.result({ ok: true, ...report });
    },
  );
}

function lifecycleOptions(ctx: CommandContext) {
  return { url: ctx.config.url, target: ctx.config.target, cwd: ctx.config.cwd, connectTimeoutMs: ctx.config.connectTimeoutMs };
}

function renderCreate(ctx: CommandContext, report: CreateReport): void {
  ctx.out.line(report.created ? ctx.out.color.green(`created ${report.target}`) : `${report.target} already exists`);
}

function renderDrop(ctx: CommandContext, report: DropReport): void {
  const disconnected = report.disconnected ? ` (disconnected ${report.disconnected} session(s))` : '';
  ctx.out.line(report.dropped ? ctx.out.color.green(`dropped ${report.target}`) + disconnected : `${report.target} does not exist: nothing to drop`);
}
