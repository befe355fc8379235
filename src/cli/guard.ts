import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { Target } from '../driver/target.js';
import type { GuardOptions } from '../guard/index.js';
import type { CommandContext } from './context.js';

/** `--force` and `--confirm NAME`, the same on every destructive command. */
export function addGuardOptions(command: Command, force = 'allow in a protected environment (with --confirm)'): Command {
  return command
    .option('--force', force)
    .option('--confirm <database>', 'the database name, confirming a forced destructive run');
}

/**
 * What a destructive core function takes from the command line: --force, and --confirm NAME or
 * else the terminal's prompt (the core asks src/guard itself).
 */
export function guardOptions(opts: { force?: boolean; confirm?: string }): GuardOptions {
  return { force: opts.force, confirm: opts.confirm ?? terminalPrompt() };
}

/**
 * The guard asked before a database is opened, for the commands whose core gets an open database
 * (reset, seed, sql): a productionHosts host is refused without a connection, and an embedded
 * directory is not created for a refusal. Returns what the core call then takes: allowed, so it
 * does not ask (or prompt) again.
 */
export async function guardBeforeOpening(ctx: CommandContext, target: Target, operation: string, opts: { force?: boolean; confirm?: string }): Promise<GuardOptions> {
  const { assertDestructiveAllowed, alreadyAllowed } = await import('../guard/index.js');
  await assertDestructiveAllowed({ config: ctx.config, target, operation, ...guardOptions(opts) });
  return alreadyAllowed(target);
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
