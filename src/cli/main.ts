import { CommanderError, type Command } from 'commander';
import { preferQuickWasmStartup } from '../driver/pglite/module.js';
import { ExitCode, OperationError } from '../errors.js';
import { lastUserFile } from '../user-code.js';
import { classify } from './classify.js';
import { currentOutput } from './context.js';
import { buildProgram } from './program.js';
import { reportError } from './run.js';

/** Entry point of the binary: run, wait for stdout, exit with the outcome. */
export async function main(argv: string[]): Promise<void> {
  preferQuickWasmStartup(); // see driver/pglite/module.ts: a command is a short-lived process
  const code = await run(argv);
  process.on('unhandledRejection', () => {}); // the outcome is decided: a late rejection changes nothing
  // stdout to a pipe is written asynchronously: exiting at once would cut a large --json document
  // (a fleet's report) short. The callback of an empty write runs once everything before it is out.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

/**
 * Parse, run, flush, and map the outcome to an exit code: the one exit path (a command throws; it
 * never sets an exit code). In-process, so tests can run argv without spawning the binary.
 */
export async function run(argv: string[], program: Command = buildProgram()): Promise<number> {
  let command = 'command';
  program.hook('preAction', (_root, action: Command) => void (command = commandPath(action)));
  const stray = guardStrayErrors();
  // An error thrown before a command has built its context (a usage check in an action) is still
  // reported as one JSON document under --json.
  currentOutput({ json: wantsJson(argv) });
  try {
    await program.parseAsync(argv);
    await stray.settle();
    // Work that "succeeded" while a promise the user's code forgot to await failed did not succeed.
    if (stray.first) throw stray.error(undefined);
    currentOutput().flush();
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message already; help and --version are not errors.
      const code = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code) ? ExitCode.ok : ExitCode.usage;
      if (code !== ExitCode.ok && wantsJson(argv)) {
        const [message, ...rest] = error.message.replace(/^error: /, '').split('\n');
        const hint = rest.join(' ').replace(/^\((.*)\)$/, '$1') || undefined;
        process.stdout.write(JSON.stringify({ ok: false, error: { code: 'usage', message, hint } }, null, 2) + '\n');
      }
      return code;
    }
    await stray.settle();
    return reportError(classify(stray.first ? stray.error(error) : error, command));
  } finally {
    stray.dispose();
  }
}

/** `migrate up`, `testdb create`, … for messages. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** --json anywhere before `--` (commander may fail before it has parsed the options). */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Unhandled rejections (a query a migration or seed did not await) and stray 'error' events must
 * not print Node's raw stack: the first is kept and reported as the run's error, against the user
 * file that ran last.
 */
function guardStrayErrors() {
  const state = {
    first: undefined as unknown,
    file: undefined as string | undefined,
    /** Lets Node flag rejections that happened in the last turn (it does so after a tick). */
    settle: () => new Promise<void>((resolve) => setImmediate(resolve)),
    /** The stray rejection as the run's error; `then` is what failed after it (e.g. the commit). */
    error(then: unknown): unknown {
      const line = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];
      const where = state.file ? `${state.file}: ` : '';
      const after = then === undefined ? '' : `; then: ${line(then)}`;
      return new OperationError(`${where}a query (or promise) was not awaited and failed: ${line(state.first)}${after}`, {
        hint: 'await every query in up(), down() and seed functions; what it belonged to is not complete',
        data: { file: state.file },
        cause: state.first,
      }, 'unawaited_rejection');
    },
  };
  const onRejection = (reason: unknown) => {
    if (state.first !== undefined) return;
    state.first = reason ?? new Error('undefined');
    const file = lastUserFile();
    state.file = file && file.startsWith(process.cwd()) ? file.slice(process.cwd().length + 1) : file;
  };
  process.on('unhandledRejection', onRejection);
  return Object.assign(state, { dispose: () => void process.off('unhandledRejection', onRejection) });
}
