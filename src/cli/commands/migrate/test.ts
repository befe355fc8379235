import type { Command } from 'commander';
import { CheckFailedError } from '../../../errors.js';
import { commandContext } from '../../context.js';
import { renderRoundTrip } from '../../render/migrate.js';

/** `migrate test`: every migration up, down and up again on a throwaway database. */
export function registerMigrateTest(migrate: Command): void {
  migrate
    .command('test')
    .description('on a throwaway database: every migration up, down (the schema must be as before), up again; exit 4 on a mismatch')
    .option('--from <name>', 'start at NAME (the migrations before it are applied, not tested)')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const [{ testMigrations }, { throwawayWhere }, { describeSchemaDiff }] = await Promise.all([
        import('../../../flows/round-trip.js'), import('../../../driver/host.js'), import('../../../schema/diff-text.js'),
      ]);
      ctx.out.info(ctx.out.color.dim(`on a throwaway database ${throwawayWhere(ctx.config.target)}; the target is not touched`));
      const report = await testMigrations({ config: ctx.config, from: opts.from, onEvent: (e) => renderRoundTrip(ctx, e.result, describeSchemaDiff) });
      ctx.out.result(report);
      const { migrations, passed, irreversible } = report.summary;
      ctx.out.line(`tested ${migrations} migration(s): ${passed} passed${irreversible ? `, ${irreversible} irreversible (skipped: ${report.irreversible.join(', ')})` : ''}`);
      if (!report.ok) {
        throw new CheckFailedError(`migrate test: ${report.failed} ${report.results.at(-1)?.status === 'failed' ? 'failed' : 'does not round-trip'}`, {
          hint: 'make its down undo exactly what its up does (dbctl migrate test --from NAME retests from there)',
        }, 'migrate_test_failed');
      }
    });
}
