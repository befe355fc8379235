import { Command, Option } from 'commander';
import { VERSION } from '../version.js';
import { refuseBlankValues } from './blank-values.js';
import { registerCommands } from './commands/index.js';

/** The command tree. Command modules import the core lazily inside their actions, so --help is fast. */
export function buildProgram(): Command {
  const program = new Command('dbctl')
    .description('PostgreSQL schemas as code: migrations, types, seeds, test databases, backups')
    .version(VERSION, '-V, --version')
    .option('--url <url>', 'database URL (default: DATABASE_URL, the environment\'s url, or embedded PGlite at .dbctl/pglite)')
    .option('-e, --env <name>', 'environment (default: DBCTL_ENV, NODE_ENV, development)')
    .option('-c, --config <file>', 'config file (default: dbctl.config.{ts,mjs,js,json})')
    .option('--json', 'print one JSON document on stdout')
    .option('-v, --verbose', 'log every SQL statement on stderr; stack traces for internal errors')
    .option('-q, --quiet', 'no progress bars or notes on stderr')
    .option('--color', 'colour even when the output is not a terminal')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .addOption(new Option('--connect-timeout <duration>', 'keep retrying an unreachable server this long (default 10s)'))
    .addOption(new Option('--cwd <dir>', 'project directory').hideHelp())
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true }) // `dbctl migrate up --help` lists --url, -e, --json…; subcommands inherit it
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  program.enablePositionalOptions(false);
  registerCommands(program);
  refuseBlankValues(program);
  return program;
}
