import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { backupConfig } from '../../../config/props.js';
import { commandContext, observer, withDatabase } from '../../context.js';
import { withInterrupts } from '../../interrupt.js';
import { addGuardOptions, guardOptions } from '../../guard.js';
import { positiveInt } from '../../options.js';
import { renderRestore } from '../../render/backup.js';

export function registerRestore(program: Command): void {
  const restore = program
    .command('restore <file>')
    .description('restore a backup, then verify row counts and content hashes against its manifest (exit 1 on a difference)')
    .option('--into <url>', 'restore into this database instead of the configured one')
    .option('--create <name>', 'create a new database NAME on the configured server (PGlite: a new directory) and restore into it (built beside it, named NAME once verified)')
    .option('--clean', 'replace the contents of a non-empty database (drops its schemas first)')
    .option('--jobs <n>', 'restore N tables at once (pg_restore -j; custom and directory dumps; not in one transaction)', positiveInt('--jobs'))
    .option('--read-back', 'verify by reading every table back from the restored database (with --create, a table whose rows were hashed as they loaded, all stored, is otherwise verified by that digest)');
  addGuardOptions(restore, 'allow --clean in a protected environment (with --confirm)')
    .action(async (file: string, opts, command: Command) => {
      if (opts.into && opts.create) throw new UsageError('choose one of --into and --create');
      const ctx = await commandContext(command);
      const { restoreBackup, readManifest, BackupVerificationError } = await import('../../../backup/index.js');
      // Before a database opens or --create makes one: the --into URL, then the backup file.
      if (opts.into) (await import('../../../driver/target.js')).parseTarget(opts.into, ctx.config.cwd);
      readManifest(path.resolve(ctx.config.cwd, file));
      await withInterrupts(async (signal) => {
        if (opts.create) {
          const { restoreIntoNewDatabase } = await import('../../../flows/restore-into-new.js');
          const report = await restoreIntoNewDatabase({
            create: opts.create,
            file: path.resolve(ctx.config.cwd, file),
            config: ctx.config,
            clean: opts.clean,
            jobs: opts.jobs,
            readBack: opts.readBack,
            ...guardOptions(opts),
            signal,
            observe: observer(ctx, '--create'),
            onDiscard: ({ name, building, error }) =>
              error
                ? ctx.out.warn(`could not remove ${building}, the unfinished restore into ${name}: ${error.message} (drop it with dbctl db drop)`)
                : ctx.out.info(`removed ${building}, the unfinished restore into ${name}; ${name} was not created`),
            onLeftover: ({ name, error }) =>
              error
                ? ctx.out.warn(`${name} is left from an interrupted build and could not be removed: ${error.message} (drop it with dbctl db drop)`)
                : ctx.out.info(`removed ${name}, left by an interrupted build`),
          }).catch((error) => {
            if (error instanceof BackupVerificationError && 'method' in error.report) renderRestore(ctx, error.report);
            throw error;
          });
          ctx.out.status(undefined);
          renderRestore(ctx, report);
          return;
        }
        await withDatabase(ctx, async (database) => {
          try {
            const report = await restoreBackup({ file: path.resolve(ctx.config.cwd, file), database, ...backupConfig(ctx.config), clean: opts.clean, jobs: opts.jobs, ...guardOptions(opts), observe: observer(ctx), signal });
            ctx.out.status(undefined);
            renderRestore(ctx, report);
          } catch (error) {
            if (error instanceof BackupVerificationError && 'method' in error.report) renderRestore(ctx, error.report);
            throw error;
          }
        }, opts.into ?? ctx.config.url, opts.into ? '--into' : undefined);
      });
    });
}
