import type { Command } from 'commander';
import { parseDuration } from '../../../config/duration.js';
import { commandContext } from '../../context.js';
import { positiveInt } from '../../options.js';
import { renderPrune } from '../../render/backup.js';

export function registerBackupPrune(backup: Command): void {
  backup
    .command('prune')
    .description('delete old backups (by their manifests): keep the newest N per database and/or drop those older than a duration')
    .option('--keep <n>', 'keep the newest N backups of each database', positiveInt('--keep'))
    .option('--older-than <duration>', 'delete backups older than this (e.g. 7d, 12h)')
    .option('--dry-run', 'list what would be deleted; delete nothing')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command, { database: false });
      const { pruneBackups } = await import('../../../backup/index.js');
      const olderThanMs = opts.olderThan === undefined ? undefined : parseDuration(opts.olderThan, '--older-than');
      renderPrune(ctx, pruneBackups({ dir: ctx.config.backups.dir, keep: opts.keep, olderThanMs, dryRun: opts.dryRun }));
    });
}
