import type { Command } from 'commander';
import { registerMigrateDiff } from './diff.js';
import { registerMigrateCheck } from './check.js';
import { registerMigrateDown } from './down.js';
import { registerMigrateLint } from './lint.js';
import { registerMigrateNew } from './new.js';
import { registerMigrateRecord } from './record.js';
import { registerMigrateSquash } from './squash.js';
import { registerMigrateStatus } from './status.js';
import { registerMigrateTest } from './test.js';
import { registerMigrateUp } from './up.js';

/** `dbctl migrate …`: one file per subcommand (or per pair that shares its options). */
export function registerMigrate(program: Command): void {
  const migrate = program.command('migrate').description('apply, revert and inspect migrations');
  registerMigrateUp(migrate);
  registerMigrateDown(migrate);
  registerMigrateRecord(migrate);
  registerMigrateStatus(migrate);
  registerMigrateNew(migrate);
  registerMigrateLint(migrate);
  registerMigrateTest(migrate);
  registerMigrateDiff(migrate);
  registerMigrateSquash(migrate);
  registerMigrateCheck(migrate);
}
