import type { Command } from 'commander';
import { positiveInt } from '../../options.js';
import { registerFleetMigrate } from './migrate.js';
import { registerFleetStatus } from './status.js';
import { registerFleetWrite } from './write.js';

/** `dbctl fleet …`: one command on every database of a fleet, in this process. */
export function registerFleet(program: Command): void {
  const fleet = program
    .command('fleet')
    .description('run status, verify, migrate, seed or a SQL file on every database of a fleet (tenant databases or schemas)')
    .option('--fleet <name>', 'a fleet declared in the config (fleets.<name>)')
    .option('--all-databases <pattern>', 'every database on the configured server whose name matches PATTERN (a glob: * matches any run of characters, _ is literal; e.g. tenant_*)')
    .option('--concurrency <n>', "databases at once per server (default: a third of the server's free connections, at most 16)", positiveInt('--concurrency'))
    .option('--fail-fast', 'start no other database once one fails')
    .option('--canary <n>', 'run the first N databases first; stop if any of them fails', positiveInt('--canary'));
  registerFleetStatus(fleet);
  registerFleetMigrate(fleet);
  registerFleetWrite(fleet);
}
