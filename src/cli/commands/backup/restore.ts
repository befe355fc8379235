import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { commandContext, withDatabase } from '../../context.js';
import { addGuardOptions, guardDestructive } from '../../guard.js';
import { renderRestore } from '../../render/backup.js';

export function registerRestore(program: Command): void {
  const restore = program
    .command('restore <file>')
    .description('restore a backup, then verify row counts and content hashes against its manifest (exit 1 on a difference)')
    .option('--into <url>', 'restore into this database instead of the configured one')
    .option('--create <name>', 'create a new database NAME on the configured server (PGlite: a new directory) and restore into it')
    .option('--clean', 'replace the contents of a non-empty database (drops its schemas first)');
  addGuardOptions(restore, 'allow --clean in a protected environment (with --confirm)')
    .action(async (file: string, opts, command: Command) => {
      if (opts.into && opts.create) throw new UsageError('choose one of --into and --create');
      const ctx = await commandContext(command);
      const { restoreBackup, BackupVerificationError } = await import('../../../backup/index.js');
      let url = opts.into ?? ctx.config.url;
      let created: import('../../../backup/target.js').RestoreTarget | undefined;
      if (opts.create) {
        const { createRestoreTarget } = await import('../../../backup/target.js');
        created = await createRestoreTarget(opts.create, { url: ctx.config.url, cwd: ctx.config.cwd, connectTimeoutMs: ctx.config.connectTimeoutMs });
        url = created.url;
      }
      try {
        await withDatabase(ctx, async (database) => {
          try {
            const guard = (operation: string) => guardDestructive(ctx, database.target, operation, opts);
            const report = await restoreBackup({ file: path.resolve(ctx.config.cwd, file), database, config: ctx.config, clean: opts.clean, guard, onProgress: (step) => ctx.out.status(step) });
            ctx.out.status(undefined);
            renderRestore(ctx, report);
          } catch (error) {
            if (error instanceof BackupVerificationError && 'method' in error.report) renderRestore(ctx, error.report);
            throw error;
          }
        }, url, { source: opts.create ? '--create' : opts.into ? '--into' : undefined });
      } catch (error) {
        // A restore that failed must not leave the new database behind. One that restored but does
        // not match its manifest is kept: it is what the user needs to look at.
        if (created && !(error instanceof BackupVerificationError)) {
          await created.discard().then(
            () => ctx.out.info(`removed ${opts.create}, which --create had made for this restore`),
            (e) => ctx.out.warn(`could not remove ${opts.create} after the failed restore: ${(e as Error).message}`),
          );
        }
        throw error;
      }
    });
}
