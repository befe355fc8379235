import type { SqlErrorInfo } from '../sql/sql-error.js';
import type { TableRef } from '../catalog/tables.js';
import type { TableInfo } from '../schema/model.js';

/** What one statement or backslash command of the console produced; the CLI renders it. */
export type ConsoleOutcome =
  | { kind: 'rows'; command: string; rowCount: number; columns: string[]; rows: Record<string, unknown>[] }
  | { kind: 'error'; statement: string; error: SqlErrorInfo }
  | { kind: 'tables'; tables: TableRef[] }
  | { kind: 'table'; table: TableInfo }
  | { kind: 'help'; lines: string[] }
  | { kind: 'quit' };
