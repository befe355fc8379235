import type { Command } from 'commander';
import { parseDuration } from '../../config/duration.js';
import { announceTarget, commandContext } from '../context.js';

export function registerDbWait(db: Command): void {
  db.command('wait')
    .description('wait until the database accepts connections (exit 3 on timeout); for docker-compose and CI')
    .option('--timeout <duration>', 'give up after this long', '30s')
    .option('--migrated', 'also wait until no migration is pending')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      await announceTarget(ctx);
      const { waitForDatabase } = await import('../../database/wait.js');
      const timeoutMs = parseDuration(opts.timeout, '--timeout');
      let told = '';
      const result = await waitForDatabase({
        config: ctx.config,
        timeoutMs,
        migrated: opts.migrated,
        onWait: (reason) => {
          if (reason !== told) ctx.out.info(ctx.out.color.dim(`waiting: ${reason}`));
          told = reason;
        },
      });
      ctx.out.result({ ok: true, ...result });
      ctx.out.line(`ready after ${result.milliseconds} ms${opts.migrated ? ' (no migration pending)' : ''}`);
    });
}
