import { Option, type Command } from 'commander';
import { commandContext, observer, withDatabase } from '../../context.js';
import { withInterrupts } from '../../interrupt.js';
import { renderBackup } from '../../render/backup.js';
import { registerBackupPrune } from './prune.js';
import { registerBackupVerify } from './verify.js';

export function registerBackup(program: Command): void {
  const backup = program
    .command('backup')
    .description('dump the database with a verified manifest (row counts, content hashes, versions)')
    .option('--out <file>', 'dump file (default: <backups.dir>/<database>-<UTC timestamp>.dump|.sql)')
    .addOption(new Option('--format <format>', 'custom (pg_restore) or plain SQL; default custom on a server, plain on PGlite').choices(['custom', 'plain']))
    .option('--schema-only', 'dump only the schema')
    .option('--data-only', 'dump only the data')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const { backupDatabase, checkBackupOptions } = await import('../../../backup/index.js');
      checkBackupOptions(opts, ctx.config.cwd); // before the database opens: a mistake touches nothing
      await withInterrupts((signal) => withDatabase(ctx, async (database) => {
        const report = await backupDatabase({ database, config: ctx.config, out: opts.out, format: opts.format, schemaOnly: opts.schemaOnly, dataOnly: opts.dataOnly, observe: observer(ctx), signal });
        ctx.out.status(undefined);
        renderBackup(ctx, report);
      }));
    });
  registerBackupPrune(backup);
  registerBackupVerify(backup);
}
