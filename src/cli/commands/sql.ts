import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ConsoleOutcome, SqlConsole } from '../../console/index.js';
import { OperationError, UsageError } from '../../errors.js';
import { commandContext, withDatabase, type CommandContext } from '../context.js';
import { addGuardOptions, guardBeforeOpening } from '../guard.js';
import { errorLine, outcomeJson, renderOutcome } from '../render/sql.js';

const HISTORY_SIZE = 500;

export function registerSql(program: Command): void {
  addGuardOptions(
    program
      .command('sql')
      .argument('[query]', 'SQL to run (else -f FILE, else stdin when it is not a terminal, else an interactive session)')
      .description('run SQL on the target, or open an interactive console (\\d lists tables, \\d NAME describes one, \\q quits)')
      .option('-f, --file <path>', 'run the SQL in this file')
      .option('-i, --interactive', 'an interactive session even when stdin is not a terminal')
      .option('--read-only', 'every transaction READ ONLY (no confirmation needed in a protected environment)')
      .option('--psql', 'hand over to psql (server targets; the password goes through PGPASSWORD, never argv)'),
    'allow in a protected environment without --read-only (with --confirm)',
  ).action(async (query: string | undefined, opts, command: Command) => {
    const ctx = await commandContext(command);
    if (query !== undefined && opts.file) throw new UsageError('give a query or --file, not both');
    // Every write goes through here: in a protected environment, confirm it as any destructive command, or stay read-only.
    if (!opts.readOnly) await guardBeforeOpening(ctx, ctx.config.target, 'sql', opts);
    if (opts.psql) return psql(ctx, query, opts);
    const script = query ?? (opts.file ? readScript(opts.file) : !opts.interactive && !process.stdin.isTTY ? await readStdin() : undefined);
    const results: unknown[] = [];
    await withDatabase(ctx, async (database) => {
      const { withSqlConsole } = await import('../../console/index.js');
      await withSqlConsole(database, { readOnly: opts.readOnly }, (sqlConsole) =>
        script === undefined ? interactive(ctx, sqlConsole, results) : runScript(ctx, sqlConsole, script, results, opts.file));
    });
    ctx.out.result({ ok: true, results });
  });
}

function show(ctx: CommandContext, outcome: ConsoleOutcome, results: unknown[]): void {
  if (outcome.kind === 'quit') return;
  results.push(outcomeJson(outcome));
  renderOutcome(ctx.out, outcome);
}

/** A query, a file or piped stdin: line by line (backslash commands work), stopping at the first error. */
async function runScript(ctx: CommandContext, sqlConsole: SqlConsole, script: string, results: unknown[], file?: string): Promise<void> {
  const stop = (outcome: ConsoleOutcome) => {
    if (outcome.kind !== 'error') return false;
    ctx.out.result({ ok: false, results });
    const e = outcome.error;
    throw new OperationError(`${file ? `${file}: ` : ''}${errorLine(e)}`, { data: { sqlstate: e.sqlstate, line: e.line, col: e.col, statement: outcome.statement } });
  };
  for (const line of script.split(/\r?\n/)) {
    for (const outcome of await sqlConsole.line(line)) {
      stop(outcome);
      if (outcome.kind === 'quit') return;
      show(ctx, outcome, results);
    }
  }
  for (const outcome of await sqlConsole.flush()) {
    stop(outcome);
    show(ctx, outcome, results);
  }
}

/** The interactive session: errors are shown and the session goes on; history in .dbctl/sql_history. */
async function interactive(ctx: CommandContext, sqlConsole: SqlConsole, results: unknown[]): Promise<void> {
  const { createInterface } = await import('node:readline');
  const historyFile = path.join(ctx.config.cwd, '.dbctl', 'sql_history');
  const terminal = !!process.stdin.isTTY;
  const rl = createInterface({
    input: process.stdin,
    output: terminal ? process.stdout : undefined,
    terminal,
    history: readHistory(historyFile).reverse(),
    historySize: HISTORY_SIZE,
  });
  const name = ctx.config.target.database;
  const prompt = () => {
    if (!terminal) return;
    rl.setPrompt(`${name}${sqlConsole.pending ? '-' : '='}> `);
    rl.prompt();
  };
  rl.on('SIGINT', () => {
    // Ctrl-C forgets the statement being typed; at an empty prompt it quits, as Ctrl-D does.
    if (!sqlConsole.pending) return rl.close();
    sqlConsole.clear();
    process.stdout.write('\n');
    prompt();
  });
  if (terminal) ctx.out.info(ctx.out.color.dim('\\? for help, \\q to quit'));
  prompt();
  try {
    for await (const line of rl) {
      if (line.trim()) appendHistory(historyFile, line);
      for (const outcome of await sqlConsole.line(line)) {
        if (outcome.kind === 'quit') return;
        show(ctx, outcome, results);
      }
      prompt();
    }
    for (const outcome of await sqlConsole.flush()) show(ctx, outcome, results);
  } finally {
    rl.close();
  }
}

async function psql(ctx: CommandContext, query: string | undefined, opts: { file?: string; readOnly?: boolean }): Promise<void> {
  const { handOverToPsql } = await import('../../console/psql.js');
  const args = ['-X', ...(query !== undefined ? ['-c', query] : []), ...(opts.file ? ['-f', opts.file] : []), ...(query !== undefined || opts.file ? ['-v', 'ON_ERROR_STOP=1'] : [])];
  await handOverToPsql(ctx.config.target, { bin: ctx.config.backups.psql, args, readOnly: opts.readOnly, connectTimeoutMs: ctx.config.connectTimeoutMs });
  ctx.out.result({ ok: true, handedOverTo: 'psql' });
}

function readScript(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {}, 'file_error');
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function readHistory(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_SIZE);
  } catch {
    return [];
  }
}

function appendHistory(file: string, line: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, line.replace(/\n/g, ' ') + '\n', { mode: 0o600 });
  } catch {
    // History is a convenience: a read-only project directory must not stop the console.
  }
}
