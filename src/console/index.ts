/**
 * The SQL console's core: statements and backslash commands in, outcomes out, on ONE session held
 * for the whole console (a BEGIN on one line and a COMMIT on a later one share it). Nothing here
 * prints: the CLI reads lines, renders outcomes, keeps the history.
 */
import type { Database, SqlClient } from '../driver/database.js';
import { describeSqlError, isPostgresError } from '../sql/sql-error.js';
import { splitStatements } from '../sql/split.js';
import { describeTable, tablesOf } from './describe.js';
import { isComplete, parseMeta } from './input.js';
import type { ConsoleOutcome } from './outcome.js';

export type { ConsoleOutcome } from './outcome.js';
export { isComplete, parseMeta } from './input.js';

export interface ConsoleOptions {
  /**
   * Every transaction of the session is READ ONLY (default_transaction_read_only): a write fails
   * with SQLSTATE 25006. A guard against slips, not a security boundary: a statement can turn it
   * off again; a read-only role is the boundary.
   */
  readOnly?: boolean;
}

export const HELP = [
  '\\d          list tables',
  '\\d NAME     describe a table: columns, types, nullability, defaults, constraints, indexes',
  '\\q          quit (also exit, quit, Ctrl-D)',
  '\\?          this help',
  'SQL runs when a line ends with ";".',
];

export class SqlConsole {
  #buffer = '';
  /** Lines read so far, and the line the buffered statement started on (error positions count from 1 in the input). */
  #lines = 0;
  #bufferLine = 1;
  constructor(readonly client: SqlClient) {}

  /** Forgets a statement being typed (Ctrl-C at the prompt). */
  clear(): void {
    this.#buffer = '';
  }

  /** True while a statement is being typed (the prompt shows it). */
  get pending(): boolean {
    return this.#buffer.trim() !== '';
  }

  /** One line of input: a backslash command runs at once, SQL once a line ends its statement. */
  async line(text: string): Promise<ConsoleOutcome[]> {
    this.#lines++;
    if (!this.pending) {
      this.#bufferLine = this.#lines;
      const meta = parseMeta(text);
      if (meta) return [await this.meta(meta.name, meta.argument)];
      // psql (11+) and kysely-ctl's console both take a bare `exit` or `quit`.
      if (/^\s*(exit|quit)\s*;?\s*$/i.test(text)) return [{ kind: 'quit' }];
    }
    this.#buffer += (this.#buffer ? '\n' : '') + text;
    if (!isComplete(this.#buffer)) return [];
    return this.flush();
  }

  /** Runs what is buffered (end of input: a last statement without its semicolon runs too). */
  async flush(): Promise<ConsoleOutcome[]> {
    const text = this.#buffer;
    this.#buffer = '';
    return text.trim() ? this.run(text, this.#bufferLine) : [];
  }

  /**
   * Runs a script statement by statement, stopping at the first error (its outcome is last, its
   * line counted from `firstLine`).
   */
  async run(script: string, firstLine = 1): Promise<ConsoleOutcome[]> {
    const outcomes: ConsoleOutcome[] = [];
    for (const statement of splitStatements(script)) {
      try {
        const result = (await this.client.query(statement.sql)) as unknown as RawResult;
        outcomes.push({
          kind: 'rows',
          command: commandTag(result, statement.sql),
          // PGlite counts affected rows only (0 for a SELECT): a result with columns counts its rows.
          rowCount: result.fields?.length ? result.rows.length : result.rowCount ?? 0,
          columns: (result.fields ?? []).map((f) => f.name),
          rows: result.rows,
        });
      } catch (error) {
        if (!isPostgresError(error)) throw error;
        const info = describeSqlError(error, { text: script, offset: statement.offset });
        if (info.line !== undefined) info.line += firstLine - 1;
        delete info.excerpt;
        outcomes.push({ kind: 'error', statement: statement.sql, error: info });
        break;
      }
    }
    return outcomes;
  }

  async meta(name: string, argument: string | undefined): Promise<ConsoleOutcome> {
    switch (name) {
      case 'q':
        return { kind: 'quit' };
      case '?':
        return { kind: 'help', lines: HELP };
      case 'd':
      case 'dt':
      case 'd+': {
        if (!argument) return { kind: 'tables', tables: await tablesOf(this.client) };
        const table = await describeTable(this.client, argument);
        if (table) return { kind: 'table', table };
        return { kind: 'error', statement: `\\${name} ${argument}`, error: { message: `did not find a table named "${argument}"` } };
      }
      default:
        return { kind: 'error', statement: `\\${name}`, error: { message: `unknown command \\${name}: \\? lists the commands` } };
    }
  }
}

/**
 * The statement's tag (`CREATE TABLE`, `INSERT`). Both clients keep only the tag's first word
 * (`CREATE`), and PGlite's pool calls every result SELECT, so a result without columns is named
 * from the statement's first keywords, two of them for DDL.
 */
const TWO_WORD = ['CREATE', 'DROP', 'ALTER', 'COMMENT'];
const MODIFIERS = ['OR', 'REPLACE', 'TEMP', 'TEMPORARY', 'UNLOGGED', 'GLOBAL', 'LOCAL', 'UNIQUE', 'CONSTRAINT', 'TRUSTED', 'PROCEDURAL'];
function commandTag(result: RawResult, sql: string): string {
  if (result.fields?.length) return result.command ?? 'SELECT';
  if (result.command && result.command !== 'SELECT' && !TWO_WORD.includes(result.command)) return result.command;
  const words = sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '').split(/\s+/, 8).map((w) => w.replace(/;$/, '').toUpperCase());
  if (!TWO_WORD.includes(words[0])) return words[0] || 'SELECT';
  // `CREATE OR REPLACE TEMP …`, `CREATE UNIQUE INDEX`: the tag names the object.
  const object = words.slice(1).find((w) => !MODIFIERS.includes(w));
  return object ? `${words[0]} ${object}` : words[0];
}

/** What both clients return for a statement, beyond the rows SqlClient promises. */
interface RawResult {
  command?: string;
  rowCount?: number | null;
  rows: Record<string, unknown>[];
  fields?: { name: string }[];
}

/** Holds one session of `database` for `fn`'s console, read-only when asked. */
export async function withSqlConsole<T>(database: Database, options: ConsoleOptions, fn: (console: SqlConsole) => Promise<T>): Promise<T> {
  return database.session(async (client) => {
    if (options.readOnly) await client.query('set default_transaction_read_only = on');
    try {
      return await fn(new SqlConsole(client));
    } finally {
      // The session goes back to the pool: nothing the console SET (or an open transaction) leaks.
      await client.query('rollback; reset all').catch(() => {});
    }
  });
}
