import type { Command } from 'commander';
import type { CreateReport, DropReport } from '../../dblife/index.js';
import { parseTarget } from '../../driver/url.js';
import { announceTarget, commandContext, withDatabase, type CommandContext } from '../context.js';
import { addGuardOptions, guardDestructive } from '../guard.js';
import { renderSeededAfter } from '../render/seed.js';

const FORCE_DROP = 'disconnect open sessions; in a protected environment also needs --confirm';

export function registerDbLifecycle(db: Command): void {
  db.command('create')
    .description('create the database (on a server through its "postgres" database; embedded: initialise the directory)')
    .action(async (_opts, command: Command) => {
      const ctx = await commandContext(command);
      await announceTarget(ctx);
      const { createDatabase } = await import('../../dblife/index.js');
      const report = await createDatabase(lifecycleOptions(ctx));
      ctx.out.result({ ok: true, ...report });
      renderCreate(ctx, report);
    });

  addGuardOptions(db.command('drop').description('drop the database (embedded: remove its directory)'), FORCE_DROP).action(async (opts, command: Command) => {
    const ctx = await commandContext(command);
    await announceTarget(ctx);
    await guardDestructive(ctx, parseTarget(ctx.config.url, ctx.config.cwd), 'db drop', opts);
    const { dropDatabase } = await import('../../dblife/index.js');
    const report = await dropDatabase({ ...lifecycleOptions(ctx), force: opts.force });
    ctx.out.result({ ok: true, ...report });
    renderDrop(ctx, report);
  });

  addGuardOptions(db.command('fresh').description('drop, create, migrate and seed the database').option('--no-seed', 'stop after migrating'), FORCE_DROP).action(
    async (opts, command: Command) => {
      const ctx = await commandContext(command);
      await announceTarget(ctx);
      await guardDestructive(ctx, parseTarget(ctx.config.url, ctx.config.cwd), 'db fresh', opts);
      // Every folder the run will read is checked before anything is dropped.
      const { assertMigrationsFolder, assertSeedsFolder } = await import('../../config/folders.js');
      assertMigrationsFolder(ctx.config.migrations.dir);
      if (opts.seed) assertSeedsFolder(ctx.config.seeds.dir);
      const [{ createDatabase, dropDatabase }, { Migrator }] = await Promise.all([import('../../dblife/index.js'), import('../../migrate/migrator.js')]);
      const dropped = await dropDatabase({ ...lifecycleOptions(ctx), force: opts.force });
      renderDrop(ctx, dropped);
      const created = await createDatabase(lifecycleOptions(ctx));
      renderCreate(ctx, created);
      await withDatabase(ctx, async (database) => {
        const migrated = await new Migrator({ database, config: ctx.config }).up();
        ctx.out.line(`applied ${migrated.results.length} migration(s)`);
        const seeded = opts.seed ? await (await import('../../seed/index.js')).runSeeds({ database, config: ctx.config }) : undefined;
        if (seeded) renderSeededAfter(ctx, seeded);
        ctx.out.result({ ok: true, dropped, created, migrated, seeded });
      });
    },
  );
}

function lifecycleOptions(ctx: CommandContext) {
  return { url: ctx.config.url, cwd: ctx.config.cwd, connectTimeoutMs: ctx.config.connectTimeoutMs };
}

function renderCreate(ctx: CommandContext, report: CreateReport): void {
  ctx.out.line(report.created ? ctx.out.color.green(`created ${report.target}`) : `${report.target} already exists`);
}

function renderDrop(ctx: CommandContext, report: DropReport): void {
  const disconnected = report.disconnected ? ` (disconnected ${report.disconnected} session(s))` : '';
  ctx.out.line(report.dropped ? ctx.out.color.green(`dropped ${report.target}`) + disconnected : `${report.target} does not exist: nothing to drop`);
}
