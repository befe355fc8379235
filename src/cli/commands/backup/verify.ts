import path from 'node:path';
import type { Command } from 'commander';
import { commandContext, withDatabase } from '../../context.js';
import { renderVerification, seconds } from '../../render/backup.js';

export function registerBackupVerify(backup: Command): void {
  backup
    .command('verify <file>')
    .description('compare the database with a backup\'s manifest (row counts, content hashes); exit 1 on a difference')
    .action(async (file: string, _opts, command: Command) => {
      const ctx = await commandContext(command);
      const { readManifest, verifyAgainstManifest, BackupVerificationError } = await import('../../../backup/index.js');
      const manifest = readManifest(path.resolve(ctx.config.cwd, file));
      await withDatabase(ctx, async (database) => {
        const started = performance.now();
        ctx.out.status(`verifying ${manifest.tables.length} table(s) against the manifest`);
        const verification = await verifyAgainstManifest(database, manifest, { onTable: (done, total) => ctx.out.status(`verifying against the manifest: ${done} of ${total} table(s) hashed`) });
        ctx.out.status(undefined);
        const durationMs = { verify: Math.round(performance.now() - started) };
        renderVerification(ctx, verification, { durationMs });
        ctx.out.line(`time: verify ${seconds(durationMs.verify)}`);
        if (verification.differences.length) throw new BackupVerificationError(verification);
      });
    });
}
