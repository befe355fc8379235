import path from 'node:path';
import type { Command } from 'commander';
import { CheckFailedError } from '../../../errors.js';
import { commandContext } from '../../context.js';
import { renderStatus } from '../../render/migrate.js';
import { withMigrator } from './shared.js';

/** `migrate status` and `migrate verify`: read-only. */
export function registerMigrateStatus(migrate: Command): void {
  migrate
    .command('status')
    .alias('list') // kysely-ctl's word (docs/coming-from.md)
    .description('show every migration: applied, pending, modified or missing')
    .option('--check', 'exit 4 if anything is pending, modified or missing')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      await withMigrator(ctx, async (migrator) => {
        const report = await migrator.status();
        renderStatus(ctx, report);
        const s = report.summary;
        // A check of nothing (a folder with no migrations, a database with none applied) is no pass:
        // most often migrations.dir points at the wrong folder.
        if (opts.check && s.total === 0) {
          const dir = path.relative(ctx.config.cwd, ctx.config.migrations.dir) || '.';
          throw new CheckFailedError(`no migrations in ${dir} and none applied: status --check checked nothing`, {
            hint: 'check migrations.dir (DBCTL_MIGRATIONS_DIR), or add one with `dbctl migrate new NAME`',
          }, 'status_check');
        }
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
        ctx.out.line(report.summary.applied ? ctx.out.color.green(`verified: ${report.summary.applied} applied migration(s) match their files`) : 'nothing to verify: no migration is applied yet');
      });
    });
}
