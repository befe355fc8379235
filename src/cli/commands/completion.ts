import { Argument, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { commandContext, currentOutput, globalsOf } from '../context.js';
import { describe, fishScript, shellScript } from '../render/completion.js';
import { stdoutToStderr } from '../stdout-to-stderr.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/**
 * `dbctl completion bash|zsh|fish` prints a completion script for commands and options, taken from
 * the command tree itself; migration names come from the hidden `dbctl __complete migrations` at
 * completion time (for `--to`, `migrate baseline` and `migrate repair`).
 */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: eval "$(dbctl completion bash)", or save it where your shell loads completions')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .action((shell: Shell, _opts, command: Command) => {
      const out = currentOutput(globalsOf(command));
      const tree = describe(program);
      const script = shell === 'fish' ? fishScript(tree) : shellScript(tree, shell === 'zsh');
      out.result({ ok: true, shell, script });
      out.line(script);
    });

  program
    .command('__complete <what>', { hidden: true })
    .description('words for shell completion (migrations: the migration names; environments: the declared environments)')
    .action(async (what: string, _opts, command: Command) => {
      if (what === 'environments') {
        // The config's own environments, read without resolving one (a -e being typed may be unknown).
        const globals = globalsOf(command);
        const out = currentOutput(globals);
        const { loadConfigFile } = await import('../../config/load.js');
        const { config } = await stdoutToStderr(() => loadConfigFile(globals.cwd ?? process.cwd(), globals.config ?? process.env.DBCTL_CONFIG));
        const names = Object.keys(config.environments ?? {});
        out.result(names);
        out.line(names.join('\n'));
        return;
      }
      if (what !== 'migrations') throw new UsageError(`nothing to complete for "${what}"`);
      const ctx = await commandContext(command, { database: false });
      const { listMigrationFiles } = await import('../../migrate/files.js');
      const names = listMigrationFiles(ctx.config.migrations.dir).map((m) => m.name);
      ctx.out.result(names);
      ctx.out.line(names.join('\n'));
    });
}
