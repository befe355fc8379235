import type { Command } from 'commander';
import { announceTarget, commandContext, globalsOf, type CommandContext } from '../../context.js';

/** Test databases belong to the `test` environment unless one is named (its seeds and URL). */
export async function testdbContext(command: Command, extra: { lockTimeout?: string } = {}): Promise<CommandContext> {
  // A DBCTL_ENV that is set is resolveConfig's to read (and to refuse when empty).
  const env = globalsOf(command).env ?? (process.env.DBCTL_ENV === undefined ? 'test' : undefined);
  const ctx = await commandContext(command, { env, ...extra });
  await announceTarget(ctx);
  return ctx;
}

export function reportDropped(ctx: CommandContext, dropped: string[]): void {
  ctx.out.result({ ok: true, dropped });
  ctx.out.line(dropped.length ? `dropped ${dropped.length}: ${dropped.join(', ')}` : 'nothing to drop');
}
