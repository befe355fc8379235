import path from 'node:path';
import { Option, type Command } from 'commander';
import type { MigrateEvent, RunReport, StatusReport } from '../../migrate/migrator.js';
import { CheckFailedError, UsageError } from '../../errors.js';
import { commandContext, withDatabase, type CommandContext } from '../context.js';
import { addGuardOptions, guardDestructive } from '../guard.js';
import { table } from '../output.js';
import { positiveInt } from '../parse.js';
import { lintBeforeUp, registerMigrateSafety } from './migrate-safety.js';

export function registerMigrate(program: Command): void {
  const migrate = program.command('migrate').description('apply, revert and inspect migrations');
  const lockTimeout = () => new Option('--lock-timeout <duration>', 'wait this long for another runner\'s lock (default 60s)');
  const ddlTimeout = () => new Option('--ddl-lock-timeout <duration>', 'lock_timeout for each statement; 0 = off (default 5s)');

  migrate
    .command('up')
    .alias('latest') // kysely-ctl's word (README "Coming from kysely-ctl")
    .description('apply pending migrations, each in its own transaction')
    .option('--step <n>', 'apply at most N migrations', positiveInt('--step'))
    .option('--to <name>', 'apply up to and including NAME')
    .option('--single-transaction', 'apply all pending migrations in one transaction (all or nothing)')
    .option('--allow-drift', 'apply even if applied migrations were changed or removed (this run only; see migrate repair)')
    .option('--allow-unordered', 'apply new migrations that sort before applied ones')
    .option('--dry-run', 'print the SQL each migration would run; change nothing')
    .option('--typegen', 'regenerate Kysely types after a successful run')
    .option('--dump-schema', 'rewrite the schema file (schema.out, default schema.sql) after a successful run')
    .option('--lint', 'lint the pending migrations first; apply nothing if lint finds an error (exit 4)')
    .addOption(lockTimeout())
    .addOption(ddlTimeout())
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command, { lockTimeout: opts.lockTimeout, ddlLockTimeout: opts.ddlLockTimeout, allowUnordered: opts.allowUnordered });
      await withMigrator(ctx, async (migrator, database) => {
        if (opts.lint) await lintBeforeUp(ctx, database);
        const report = await migrator.up(opts);
        renderRun(ctx, report);
        if ((opts.typegen || ctx.config.typegen.afterMigrate) && !opts.dryRun && report.results.length) await afterMigrateTypegen(ctx, database);
        if (opts.dumpSchema && !opts.dryRun) await (await import('./schema.js')).dumpAfterMigrate(ctx, database);
      });
    });

  migrate
    .command('down')
    .alias('rollback') // kysely-ctl's word (README "Coming from kysely-ctl")
    .description('revert the last migration (or more)')
    .option('--step <n>', 'revert N migrations', positiveInt('--step'))
    .option('--to <name>', 'revert every migration after NAME (NAME stays applied)')
    .option('--all', 'revert every applied migration')
    .option('--batch', 'revert the last `migrate up` run as a unit')
    .option('--allow-drift', 'revert even if the files changed since they were applied')
    .option('--dry-run', 'print the SQL each migration would run; change nothing')
    .option('--force', 'allow in a protected environment (with --confirm)')
    .option('--confirm <database>', 'the database name, confirming a forced destructive run')
    .addOption(lockTimeout())
    .addOption(ddlTimeout())
    .action(async (opts, command: Command) => {
      const chosen = ['step', 'to', 'all', 'batch'].filter((k) => opts[k] !== undefined);
      if (chosen.length > 1) throw new UsageError(`choose one of --step, --to, --all, --batch (got ${chosen.map((c) => '--' + c).join(', ')})`);
      const ctx = await commandContext(command, { lockTimeout: opts.lockTimeout, ddlLockTimeout: opts.ddlLockTimeout });
      await withMigrator(ctx, async (migrator, database) => {
        if (!opts.dryRun) await guardDestructive(ctx, database.target, 'migrate down', opts);
        renderRun(ctx, await migrator.down(opts));
      });
    });

  migrate
    .command('redo')
    .description('revert and re-apply the last migration')
    .option('--allow-drift', 'redo even if the file changed since it was applied')
    .option('--force', 'allow in a protected environment (with --confirm)')
    .option('--confirm <database>', 'the database name, confirming a forced destructive run')
    .addOption(lockTimeout())
    .addOption(ddlTimeout())
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command, { lockTimeout: opts.lockTimeout, ddlLockTimeout: opts.ddlLockTimeout });
      await withMigrator(ctx, async (migrator, database) => {
        await guardDestructive(ctx, database.target, 'migrate redo', opts);
        renderRun(ctx, await migrator.redo(opts));
      });
    });

  addGuardOptions(
    migrate
      .command('repair [names...]')
      .description('record the current checksum of changed migrations, after review (all, or NAMES)')
      .addOption(lockTimeout()),
  ).action(async (names: string[], opts, command: Command) => {
    const ctx = await commandContext(command, { lockTimeout: opts.lockTimeout });
    await withMigrator(ctx, async (migrator, database) => {
      await guardDestructive(ctx, database.target, 'migrate repair', opts);
      const { repaired } = await migrator.repair(names);
      ctx.out.result({ ok: true, repaired });
      ctx.out.line(repaired.length ? `recorded the current checksum of ${repaired.join(', ')}` : 'nothing to repair: every applied migration matches its file');
    });
  });

  migrate
    .command('baseline <name>')
    .description('mark every migration up to NAME as applied without running it')
    .addOption(lockTimeout())
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, { lockTimeout: opts.lockTimeout });
      await withMigrator(ctx, async (migrator) => renderRun(ctx, await migrator.baseline(name)));
    });

  migrate
    .command('status')
    .alias('list') // kysely-ctl's word (README "Coming from kysely-ctl")
    .description('show every migration: applied, pending, modified or missing')
    .option('--check', 'exit 4 if anything is pending, modified or missing')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      await withMigrator(ctx, async (migrator) => {
        const report = await migrator.status();
        renderStatus(ctx, report);
        const s = report.summary;
        if (opts.check && (s.pending || s.modified || s.missing)) {
          throw new CheckFailedError(`${s.pending} pending, ${s.modified} modified, ${s.missing} missing`, {}, 'status_check');
        }
      });
    });

  migrate
    .command('verify')
    .description('check that applied migrations match their files and order (changes nothing)')
    .action(async (_opts, command: Command) => {
      const ctx = await commandContext(command);
      await withMigrator(ctx, async (migrator) => {
        const report = await migrator.verify();
        ctx.out.result({ ok: true, summary: report.summary });
        ctx.out.line(ctx.out.color.green(`verified: ${report.summary.applied} applied migration(s) match their files`));
      });
    });

  migrate
    .command('new <name>')
    .alias('make') // kysely-ctl's word (README "Coming from kysely-ctl")
    .description('create a timestamped migration file from a template')
    .option('--sql', 'a .sql file (dbmate format) instead of TypeScript')
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, { database: false });
      const { createMigrationFile } = await import('../../migrate/new.js');
      const file = createMigrationFile({
        dir: ctx.config.migrations.dir,
        name,
        sql: opts.sql,
        template: opts.sql ? ctx.config.migrations.sqlTemplate : ctx.config.migrations.template,
      });
      ctx.out.result({ file: path.relative(ctx.config.cwd, file) });
      ctx.out.line(`created ${path.relative(ctx.config.cwd, file)}`);
    });

  registerMigrateSafety(migrate);
}

type MigratorT = import('../../migrate/migrator.js').Migrator;
type DatabaseT = import('../../driver/open.js').Database;

async function withMigrator(ctx: CommandContext, fn: (migrator: MigratorT, database: DatabaseT) => Promise<void>): Promise<void> {
  const [{ Migrator }, { assertMigrationsFolder }] = await Promise.all([import('../../migrate/migrator.js'), import('../../config/folders.js')]);
  // Before opening: a wrong folder must not even create an embedded database.
  assertMigrationsFolder(ctx.config.migrations.dir);
  await withDatabase(ctx, async (database) => {
    const migrator = new Migrator({ database, config: ctx.config, onEvent: (e) => renderEvent(ctx, e) });
    await fn(migrator, database);
  }, undefined, { kysely: false });
}

async function afterMigrateTypegen(ctx: CommandContext, database: DatabaseT): Promise<void> {
  const { runTypegenAfterMigrate } = await import('./typegen-hook.js');
  await runTypegenAfterMigrate(ctx, database);
}

function renderEvent(ctx: CommandContext, event: MigrateEvent): void {
  const { out } = ctx;
  const c = out.color;
  switch (event.type) {
    case 'lock-wait': {
      const h = event.holder;
      out.info(c.yellow('waiting for the migration run lock') + (h ? ` held by pid ${h.pid} (${h.applicationName || '?'}${h.client ? ` from ${h.client}` : ''}, since ${h.since})` : ''));
      break;
    }
    case 'retry':
      out.info(c.yellow(`${event.retry.name}: lock_timeout (${event.retry.message}); retry ${event.retry.attempt} in ${event.retry.delayMs} ms`));
      break;
    case 'adopted':
      out.info(`adopted ${event.names.length} migration(s) applied by Kysely's Migrator (checksums recorded)`);
      break;
    case 'done':
      out.status(undefined);
      if (!out.json) out.line(`${c.green(event.direction === 'up' ? '↑ applied ' : '↓ reverted')} ${event.name} ${c.dim(`(${event.durationMs} ms)`)}`);
      break;
    case 'dry-run':
      if (!out.json) {
        out.line(c.cyan(`-- ${event.direction} ${event.name}${event.executed ? '' : ' (runs outside a transaction: not executed)'}`));
        for (const s of event.statements) out.line(s.trim().endsWith(';') ? s.trim() : `${s.trim()};`);
      }
      break;
    case 'start':
      out.status(`${event.direction === 'up' ? 'applying' : 'reverting'} ${event.name}${event.total && event.total > 1 ? ` (${event.index}/${event.total})` : ''}`);
      break;
  }
}

function renderRun(ctx: CommandContext, report: RunReport): void {
  const { out } = ctx;
  out.result({ ok: true, ...report });
  if (report.dryRun) {
    out.line(out.color.dim(`dry run: ${report.results.length} migration(s), nothing changed`));
  } else if (report.results.length === 0) {
    out.line(report.direction === 'up' ? 'nothing to apply: the database is up to date' : 'nothing to revert');
  } else {
    const ms = report.results.reduce((t, r) => t + (r.durationMs ?? 0), 0);
    out.line(`${report.direction === 'up' ? 'applied' : 'reverted'} ${report.results.length} migration(s) in ${ms} ms${report.batch ? ` (batch ${report.batch})` : ''}`);
  }
}

function renderStatus(ctx: CommandContext, report: StatusReport): void {
  const { out } = ctx;
  const c = out.color;
  out.result({
    migrations: report.migrations.map((m) => ({ ...m, file: m.file && path.relative(ctx.config.cwd, m.file) })),
    summary: report.summary,
  });
  if (out.json) return;
  const colour = { applied: c.green, pending: c.yellow, modified: c.red, missing: c.red } as const;
  const rows = [['migration', 'state', 'applied at', 'duration', 'batch']];
  for (const m of report.migrations) {
    rows.push([
      m.name,
      colour[m.state](m.state + (m.unordered ? ' (unordered)' : '')),
      m.appliedAt ? m.appliedAt.toISOString().replace('T', ' ').slice(0, 19) : '',
      m.durationMs !== null ? `${m.durationMs} ms` : '',
      m.batch !== null ? String(m.batch) : '',
    ]);
  }
  if (report.migrations.length) out.line(table(rows, c));
  const s = report.summary;
  out.line(`${s.total} migration(s): ${c.green(`${s.applied} applied`)}, ${c.yellow(`${s.pending} pending`)}, ${s.modified ? c.red(`${s.modified} modified`) : '0 modified'}, ${s.missing ? c.red(`${s.missing} missing`) : '0 missing'}`);
}
