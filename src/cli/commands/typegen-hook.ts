import type { CommandContext } from '../context.js';

/** Regenerates types after `migrate up --typegen` (filled in by the typegen capability). */
export async function runTypegenAfterMigrate(ctx: CommandContext): Promise<void> {
  ctx.out.warn('typegen is not available yet');
}
