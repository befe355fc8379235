import type { ColumnInfo } from './table-info.js';

/**
 * Writes JS values in COPY's text format (tab-separated, `\N` for null), which both `pg-copy-streams`
 * and PGlite's `/dev/blob` COPY take. The column's type decides how an array is written: a Postgres
 * array (`{…}`), JSON for json/jsonb, and pgvector's `[…]` for vector (and anything else).
 */
export function copyLine(row: Record<string, unknown>, columns: ColumnInfo[]): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) line += '\t';
    line += copyField(row[columns[i].name], columns[i]);
  }
  return line + '\n';
}

function copyField(value: unknown, column: ColumnInfo): string {
  if (value === null || value === undefined) return '\\N';
  return escapeCopy(textOf(value, column));
}

function textOf(value: unknown, column: ColumnInfo): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return '\\x' + Buffer.from(value).toString('hex');
  if (isJson(column)) return JSON.stringify(value);
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value as ArrayLike<unknown>);
    return column.category === 'A' ? arrayLiteral(items) : `[${items.join(',')}]`;
  }
  return JSON.stringify(value);
}

function isJson(column: ColumnInfo): boolean {
  return column.type === 'json' || column.type === 'jsonb';
}

/** A Postgres array literal: every element double-quoted, so commas, braces and spaces survive. */
function arrayLiteral(items: unknown[]): string {
  const parts = items.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item);
    const text = item instanceof Date ? item.toISOString() : typeof item === 'object' ? JSON.stringify(item) : String(item);
    return `"${text.replace(/[\\"]/g, '\\$&')}"`;
  });
  return `{${parts.join(',')}}`;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeCopy(text: string): string {
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : text;
}
