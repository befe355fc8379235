import type { Command } from 'commander';
import { testdbContext } from './shared.js';
import { table } from '../../output.js';
import { registerTestdbDrop } from './drop.js';

export function registerTestdb(program: Command): void {
  const testdb = program.command('testdb').description('test databases cloned from a migrated template (built once per migration set)');

  testdb
    .command('create')
    .description('ensure the template for the current migrations exists, clone a new database from it, print its URL')
    .option('--seed', "also seed the template with the environment's seeds")
    .option('--lock-timeout <duration>', 'wait this long for another process building the template (default 60s)')
    .action(async (opts, command: Command) => {
      const ctx = await testdbContext(command, { lockTimeout: opts.lockTimeout });
      const { createTestdb, EMBEDDED_TESTDB_DIR } = await import('../../../testdb/index.js');
      const made = await createTestdb({
        config: ctx.config,
        seed: opts.seed,
        onEvent: (e) => ctx.out.info(e.type === 'building' ? `building template ${e.template} (migrate${opts.seed ? ' + seed' : ''})` : `built template ${e.template} in ${e.milliseconds} ms`),
      });
      ctx.out.result({ ok: true, name: made.name, url: made.url, template: made.template, milliseconds: made.milliseconds, built: made.built, strategy: made.strategy, ...(made.clones === undefined ? {} : { clones: made.clones }) });
      ctx.out.line(made.url);
      ctx.out.info(ctx.out.color.dim(`cloned ${made.name} from ${made.template} in ${made.milliseconds} ms (${made.strategy})`));
      const { pruneNote } = await import('../../../testdb/pile-up.js');
      const note = made.clones === undefined ? undefined : pruneNote(made.clones, EMBEDDED_TESTDB_DIR);
      if (note) ctx.out.info(ctx.out.color.yellow(`note: ${note}`));
    });

  testdb
    .command('list')
    .description('list test databases and templates')
    .action(async (_opts, command: Command) => {
      const ctx = await testdbContext(command);
      const { listTestdbs } = await import('../../../testdb/index.js');
      const entries = await listTestdbs(ctx.config);
      ctx.out.result({ databases: entries });
      if (!entries.length) return ctx.out.line('no test databases');
      const rows = [['name', 'kind', 'created', 'state']];
      for (const e of entries) rows.push([e.name, e.kind, e.createdAt?.toISOString() ?? '', e.kind === 'template' ? (e.current ? 'current' : 'stale') : '']);
      ctx.out.line(table(rows, ctx.out.color));
    });
  registerTestdbDrop(testdb);
}
