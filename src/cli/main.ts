import { CommanderError } from 'commander';
import { ExitCode } from '../errors.js';
import { currentOutput } from './context.js';
import { buildProgram } from './program.js';
import { reportError } from './run.js';

/** Entry point of the binary: parse, run, flush, map the outcome to an exit code. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  let code: number = ExitCode.ok;
  try {
    await program.parseAsync(argv);
    currentOutput().flush();
    code = typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message already; help and --version are not errors.
      code = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code) ? ExitCode.ok : ExitCode.usage;
    } else {
      code = reportError(error);
    }
  }
  process.exit(code);
}
