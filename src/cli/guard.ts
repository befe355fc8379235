import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { Target } from '../driver/target.js';
import type { CommandContext } from './context.js';

/** `--force` and `--confirm NAME`, the same on every destructive command. */
export function addGuardOptions(command: Command, force = 'allow in a protected environment (with --confirm)'): Command {
  return command
    .option('--force', force)
    .option('--confirm <database>', 'the database name, confirming a forced destructive run');
}

/** The protected-environment guard (src/guard) with the CLI's terminal prompt. */
export async function guardDestructive(ctx: CommandContext, target: Target, operation: string, opts: { force?: boolean; confirm?: string }): Promise<void> {
  const { assertDestructiveAllowed } = await import('../guard/index.js');
  await assertDestructiveAllowed({ config: ctx.config, target, operation, force: opts.force, confirm: opts.confirm, prompt: terminalPrompt() });
}

/**
 * A question asked on the terminal, or undefined when stdin is not a TTY: scripts must confirm with
 * --confirm instead of hanging on a prompt nobody sees. It goes to stderr so stdout stays clean for --json.
 */
export function terminalPrompt(): ((question: string) => Promise<string>) | undefined {
  if (!process.stdin.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  };
}
