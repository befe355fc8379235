import { Option, type Command } from 'commander';
import { backupConfig } from '../../../config/props.js';
import { commandContext, observer, withDatabase } from '../../context.js';
import { withInterrupts } from '../../interrupt.js';
import { positiveInt } from '../../options.js';
import { renderBackup } from '../../render/backup.js';
import { registerBackupPrune } from './prune.js';
import { registerBackupVerify } from './verify.js';

export function registerBackup(program: Command): void {
  const backup = program
    .command('backup')
    .description('dump the database with a verified manifest (row counts, content hashes, versions)')
    .option('--out <file>', 'dump file, or folder for --format directory (default: <backups.dir>/<database>-<UTC timestamp>.dump|.sql|.dumpdir)')
    .addOption(new Option('--format <format>', 'custom (pg_restore), directory (pg_restore; parallel, rows hashed as written) or plain SQL; default custom on a server (directory with --jobs), plain on PGlite').choices(['custom', 'directory', 'plain']))
    .option('--jobs <n>', 'dump N tables at once (pg_dump -j; the directory format)', positiveInt('--jobs'))
    .option('--schema-only', 'dump only the schema')
    .option('--data-only', 'dump only the data')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const { backupDatabase, checkBackupOptions } = await import('../../../backup/index.js');
      checkBackupOptions(opts, ctx.config.cwd); // before the database opens: a mistake touches nothing
      await withInterrupts((signal) => withDatabase(ctx, async (database) => {
        const report = await backupDatabase({ database, ...backupConfig(ctx.config), out: opts.out, format: opts.format, schemaOnly: opts.schemaOnly, dataOnly: opts.dataOnly, jobs: opts.jobs, observe: observer(ctx), signal });
        ctx.out.status(undefined);
        renderBackup(ctx, report);
      }));
    });
  registerBackupPrune(backup);
  registerBackupVerify(backup);
}
