import type { Command } from 'commander';
import { runOnFleet } from './run.js';

/** `fleet status` and `fleet verify`: read-only. */
export function registerFleetStatus(fleet: Command): void {
  fleet
    .command('status')
    .description('where every database stands: applied, pending, modified, missing')
    .option('--check', 'exit 4 if any database has anything pending, modified or missing')
    .action(async (opts, command: Command) => {
      const { fleetStatus } = await import('../../../fleet/index.js');
      await runOnFleet(command, 'status', () => fleetStatus, { check: opts.check });
    });

  fleet
    .command('verify')
    .description('check on every database that applied migrations match their files and order (exit 4 if any does not)')
    .action(async (_opts, command: Command) => {
      const { fleetVerify } = await import('../../../fleet/index.js');
      await runOnFleet(command, 'verify', () => fleetVerify);
    });
}
