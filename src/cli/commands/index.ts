import type { Command } from 'commander';
import { registerBackup } from './backup/index.js';
import { registerRestore } from './backup/restore.js';
import { registerCompletion } from './completion.js';
import { registerConfig } from './config.js';
import { registerDbLifecycle } from './db.js';
import { registerDbCopy } from './db-copy.js';
import { registerDbServe } from './db-serve.js';
import { registerDbWait } from './db-wait.js';
import { registerDoctor } from './doctor.js';
import { registerFleet } from './fleet/index.js';
import { registerInit } from './init.js';
import { registerKyselyCtlWords } from './kysely-ctl-words.js';
import { registerMigrate } from './migrate/index.js';
import { registerReset } from './reset.js';
import { registerSchema } from './schema/index.js';
import { registerSeed } from './seed/index.js';
import { registerSql } from './sql.js';
import { registerSummary } from './summary.js';
import { registerTestdb } from './testdb/index.js';
import { registerTypegen } from './typegen.js';

/** Every command, in the order `dbctl --help` lists them. A new command group registers here. */
export function registerCommands(program: Command): void {
  registerMigrate(program);
  registerConfig(program);
  registerTypegen(program);
  registerSeed(program);
  registerReset(program);
  const db = program.command('db').description('create, drop, recreate, copy and wait for databases');
  registerDbLifecycle(db);
  registerDbWait(db);
  registerDbServe(db);
  registerDbCopy(db);
  registerTestdb(program);
  registerBackup(program);
  registerRestore(program);
  registerDoctor(program);
  registerSummary(program);
  registerSchema(program);
  registerSql(program);
  registerFleet(program);
  registerInit(program);
  registerCompletion(program);
  registerKyselyCtlWords(program);
}
