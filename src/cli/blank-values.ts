import type { EventEmitter } from 'node:events';
import type { Command } from 'commander';

/**
 * An option or argument given an empty (or whitespace-only) value is a mistake, never "not given":
 * `--url "$STAGING_URL"` or `-e "$DEPLOY_ENV"` with the variable unset would otherwise fall through
 * to DATABASE_URL, `.env` or the embedded database and act on a database nobody named. Installed
 * once on the whole command tree, so a new option is covered without anyone remembering to.
 */
export function refuseBlankValues(program: Command): void {
  for (const command of commandTree(program)) {
    for (const option of command.options) {
      if (!option.required && !option.optional) continue;
      // Before commander's own listener, so every option says the same thing, whatever its parser.
      // (Command is an EventEmitter at run time; its typings do not say so.)
      (command as unknown as EventEmitter).prependListener(`option:${option.name()}`, (value: string | null) => {
        if (isBlank(value)) command.error(`error: option '${option.flags}' ${what(value!)}: is the variable meant to set it unset?`, { exitCode: 2, code: 'dbctl.blankValue' });
      });
    }
  }
  program.hook('preAction', (_root, action) => {
    action.registeredArguments.forEach((argument, i) => {
      const values = ([] as unknown[]).concat(action.processedArgs[i] ?? []);
      const blank = values.find(isBlank) as string | undefined;
      if (blank !== undefined) action.error(`error: argument '${argument.name()}' ${what(blank)}: is the variable meant to set it unset?`, { exitCode: 2, code: 'dbctl.blankValue' });
    });
  });
}

function isBlank(value: unknown): boolean {
  return typeof value === 'string' && value.trim() === '';
}

function what(value: string): string {
  return value === '' ? 'was given an empty value' : 'was given only whitespace';
}

function commandTree(command: Command): Command[] {
  return [command, ...command.commands.flatMap(commandTree)];
}
