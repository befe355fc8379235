import type { Command } from 'commander';
import { registerBackup } from './backup.js';
import { registerDbLifecycle } from './db.js';
import { registerDbWait } from './db-wait.js';
import { registerDoctor } from './doctor.js';
import { registerFleet } from './fleet.js';
import { registerReset } from './reset.js';
import { registerSchema } from './schema.js';
import { registerSeed } from './seed.js';
import { registerSummary } from './summary.js';
import { registerTestdb } from './testdb.js';
import { registerTypegen } from './typegen.js';

/** Command groups beyond migrate and config: each capability registers its own (one file each). */
export function registerExtra(program: Command): void {
  registerTypegen(program);
  registerSeed(program);
  registerReset(program);
  const db = program.command('db').description('create, drop, recreate and wait for databases');
  registerDbLifecycle(db);
  registerDbWait(db);
  registerTestdb(program);
  registerBackup(program);
  registerDoctor(program);
  registerSummary(program);
  registerSchema(program);
  registerFleet(program);
}
