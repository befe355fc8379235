import type { Database } from '../../driver/open.js';
import type { CommandContext } from '../context.js';
import { describeWrite } from './typegen.js';

/** Regenerates types on the just-migrated database (`migrate up --typegen`, config `typegen.afterMigrate`). */
export async function runTypegenAfterMigrate(ctx: CommandContext, database: Database): Promise<void> {
  const { writeTypes } = await import('../../typegen/index.js');
  // stderr: under --json, stdout is migrate's own report.
  ctx.out.info(`typegen: ${describeWrite(ctx.config, await writeTypes(database, ctx.config))}`);
}
