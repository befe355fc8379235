import type { Command } from 'commander';
import { parseDuration } from '../../config/duration.js';
import { UsageError } from '../../errors.js';
import { announceTarget, commandContext, globalsOf, type CommandContext } from '../context.js';
import { table } from '../output.js';

export function registerTestdb(program: Command): void {
  const testdb = program.command('testdb').description('test databases cloned from a migrated template (built once per migration set)');

  testdb
    .command('create')
    .description('ensure the template for the current migrations exists, clone a new database from it, print its URL')
    .option('--seed', "also seed the template with the environment's seeds")
    .option('--lock-timeout <duration>', 'wait this long for another process building the template (default 60s)')
    .action(async (opts, command: Command) => {
      const ctx = await testdbContext(command, { lockTimeout: opts.lockTimeout });
      const { createTestdb } = await import('../../testdb/index.js');
      const made = await createTestdb({
        config: ctx.config,
        seed: opts.seed,
        onEvent: (e) => ctx.out.info(e.type === 'building' ? `building template ${e.template} (migrate${opts.seed ? ' + seed' : ''})` : `built template ${e.template} in ${e.milliseconds} ms`),
      });
      ctx.out.result({ ok: true, name: made.name, url: made.url, template: made.template, milliseconds: made.milliseconds, built: made.built, strategy: made.strategy });
      ctx.out.line(made.url);
      ctx.out.info(ctx.out.color.dim(`cloned ${made.name} from ${made.template} in ${made.milliseconds} ms (${made.strategy})`));
    });

  testdb
    .command('list')
    .description('list test databases and templates')
    .action(async (_opts, command: Command) => {
      const ctx = await testdbContext(command);
      const { listTestdbs } = await import('../../testdb/index.js');
      const entries = await listTestdbs(ctx.config);
      ctx.out.result({ databases: entries });
      if (!entries.length) return ctx.out.line('no test databases');
      const rows = [['name', 'kind', 'created', 'state']];
      for (const e of entries) rows.push([e.name, e.kind, e.createdAt?.toISOString() ?? '', e.kind === 'template' ? (e.current ? 'current' : 'stale') : '']);
      ctx.out.line(table(rows, ctx.out.color));
    });

  testdb
    .command('drop [name]')
    .description('drop one test database or template, or all of them (--all)')
    .option('--all', 'drop every test database and template with the configured prefix')
    .action(async (name: string | undefined, opts, command: Command) => {
      if (!!name === !!opts.all) throw new UsageError('testdb drop takes either a NAME or --all');
      const ctx = await testdbContext(command);
      const { dropTestdb, removeTestdbs } = await import('../../testdb/index.js');
      let dropped: string[];
      if (name) {
        await dropTestdb(ctx.config, name);
        dropped = [name];
      } else dropped = await removeTestdbs(ctx.config, { all: true });
      reportDropped(ctx, dropped);
    });

  testdb
    .command('prune')
    .description('drop templates that no longer match the migrations and seeds, and clones older than --older-than')
    .option('--older-than <duration>', 'age of clones to drop', '1h')
    .action(async (opts, command: Command) => {
      const ctx = await testdbContext(command);
      const { removeTestdbs } = await import('../../testdb/index.js');
      reportDropped(ctx, await removeTestdbs(ctx.config, { olderThanMs: parseDuration(opts.olderThan, '--older-than') }));
    });
}

/** Test databases belong to the `test` environment unless one is named (its seeds and URL). */
async function testdbContext(command: Command, extra: { lockTimeout?: string } = {}): Promise<CommandContext> {
  const ctx = await commandContext(command, { env: globalsOf(command).env ?? process.env.DBCTL_ENV ?? 'test', ...extra });
  await announceTarget(ctx);
  return ctx;
}

function reportDropped(ctx: CommandContext, dropped: string[]): void {
  ctx.out.result({ ok: true, dropped });
  ctx.out.line(dropped.length ? `dropped ${dropped.length}: ${dropped.join(', ')}` : 'nothing to drop');
}
