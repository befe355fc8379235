import type { ConsoleOutcome } from '../../console/index.js';
import type { SqlErrorInfo } from '../../sql/sql-error.js';
import type { TableInfo } from '../../schema/model.js';
import type { Output } from '../output.js';

/** One outcome of the SQL console as text: a psql-like table, a command tag, or a listing. */
export function renderOutcome(out: Output, outcome: ConsoleOutcome): void {
  switch (outcome.kind) {
    case 'rows':
      if (outcome.columns.length) {
        out.line(grid(outcome.columns, outcome.rows.map((row) => outcome.columns.map((c) => cell(row[c])))));
        out.line(out.color.dim(`(${outcome.rows.length} ${outcome.rows.length === 1 ? 'row' : 'rows'})`));
        out.line();
      } else {
        out.line(/^(INSERT|UPDATE|DELETE|MERGE|COPY|MOVE|FETCH)$/.test(outcome.command) ? `${outcome.command} ${outcome.rowCount}` : outcome.command);
      }
      return;
    case 'error':
      out.info(out.color.red(`ERROR ${errorLine(outcome.error)}`));
      return;
    case 'tables':
      if (!outcome.tables.length) out.line('no tables');
      else out.line(grid(['schema', 'table'], outcome.tables.map((t) => [t.schema, t.table])));
      return;
    case 'table':
      out.line(describe(outcome.table));
      return;
    case 'help':
      for (const line of outcome.lines) out.line(line);
      return;
    case 'quit':
      return;
  }
}

/** `42P01: relation "x" does not exist (line 1, col 15)`: one line, SQLSTATE and position. */
export function errorLine(error: SqlErrorInfo): string {
  const where = error.line !== undefined ? ` (line ${error.line}, col ${error.col})` : '';
  return `${error.sqlstate ? `${error.sqlstate}: ` : ''}${error.message}${where}`;
}

/** The outcome as the JSON document's `results` entry. */
export function outcomeJson(outcome: ConsoleOutcome): unknown {
  switch (outcome.kind) {
    case 'rows':
      return { command: outcome.command, rowCount: outcome.rowCount, columns: outcome.columns, rows: outcome.rows };
    case 'tables':
      return { tables: outcome.tables };
    case 'table':
      return { table: outcome.table };
    default:
      return outcome;
  }
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return '\\x' + Buffer.from(value).toString('hex');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** psql's aligned format: ` a | b ` with a dashed rule under the header. */
function grid(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => longestLine(r[i]))));
  const line = (cells: string[]) => ' ' + cells.map((c, i) => c.replace(/\n/g, '↵').padEnd(widths[i])).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w + 2)).join('+'), ...rows.map(line)].join('\n');
}

function longestLine(text: string): number {
  return text.replace(/\n/g, '↵').length;
}

/** `\d NAME`: columns, then constraints and indexes, like psql's describe. */
function describe(table: TableInfo): string {
  const columns = table.columns.map((c) => [
    c.name,
    c.type,
    c.notNull ? 'not null' : '',
    c.identity ? `generated ${c.identity} as identity` : c.generated ? `generated always as (${c.generated.expression}) ${c.generated.kind}` : c.default ?? '',
  ]);
  const parts = [`Table "${table.schema}.${table.name}"`, grid(['column', 'type', 'nullable', 'default'], columns)];
  const keyed = table.constraints.filter((k) => k.kind === 'primary key' || k.kind === 'unique' || k.kind === 'exclusion');
  if (keyed.length || table.indexes.length) {
    parts.push('Indexes:', ...keyed.map((k) => `    "${k.name}" ${k.definition}`), ...table.indexes.map((i) => `    "${i.name}" ${i.definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+ /, '$1')}`));
  }
  const checks = table.constraints.filter((k) => k.kind === 'check');
  if (checks.length) parts.push('Check constraints:', ...checks.map((k) => `    "${k.name}" ${k.definition}`));
  const fks = table.constraints.filter((k) => k.kind === 'foreign key');
  if (fks.length) parts.push('Foreign-key constraints:', ...fks.map((k) => `    "${k.name}" ${k.definition}`));
  if (table.triggers.length) parts.push('Triggers:', ...table.triggers.map((t) => `    "${t.name}" ${t.definition}`));
  if (table.comment) parts.push(`Comment: ${table.comment}`);
  return parts.join('\n') + '\n';
}
