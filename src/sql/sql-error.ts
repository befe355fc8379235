/** What Postgres tells about a failed statement, the same on `pg` and PGlite (both use pg-protocol's fields). */
export interface SqlErrorInfo {
  sqlstate?: string;
  message: string;
  detail?: string;
  hint?: string;
  where?: string;
  constraint?: string;
  table?: string;
  column?: string;
  /** 1-based line and column in the file, when Postgres gave a position and we know the text. */
  line?: number;
  col?: number;
  /** A few lines of the source around the error, with a caret under the column. */
  excerpt?: string;
}

export function isPostgresError(error: unknown): error is { code: string; message: string } {
  const e = error as { code?: unknown; severity?: unknown };
  return typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && e.severity !== undefined;
}

/**
 * Turns Postgres's `position` into line:column in the file. `position` counts characters (code
 * points, not bytes or UTF-16 units) from 1 in the statement text; `offset` is where that text starts
 * in the file. CRLF is handled by counting `\n` only.
 */
export function locate(fileText: string, position: number, offset = 0): { line: number; col: number } {
  const before = Array.from(fileText.slice(0, offset)).length;
  const chars = Array.from(fileText);
  const index = Math.min(before + position - 1, chars.length);
  let line = 1;
  let col = 1;
  for (let i = 0; i < index; i++) {
    if (chars[i] === '\n') {
      line++;
      col = 1;
    } else if (chars[i] !== '\r') {
      col++;
    }
  }
  return { line, col };
}

export function excerptAt(fileText: string, line: number, col: number, context = 2): string {
  const lines = fileText.split(/\r?\n/);
  const from = Math.max(1, line - context);
  const to = Math.min(lines.length, line + 1);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    out.push(`${String(n).padStart(width)} | ${lines[n - 1]}`);
    if (n === line) out.push(`${' '.repeat(width)} | ${' '.repeat(Math.max(0, col - 1))}^`);
  }
  return out.join('\n');
}

/** Extracts what Postgres said, mapping the position into the file when the text is known. */
export function describeSqlError(error: unknown, source?: { text: string; offset: number }): SqlErrorInfo {
  const e = error as Record<string, any>;
  const info: SqlErrorInfo = {
    sqlstate: e.code,
    message: e.message ?? String(error),
    detail: e.detail || undefined,
    hint: e.hint || undefined,
    where: e.where || undefined,
    constraint: e.constraint || undefined,
    table: e.table || undefined,
    column: e.column || undefined,
  };
  const position = Number(e.position);
  if (source && Number.isFinite(position) && position > 0) {
    const { line, col } = locate(source.text, position, source.offset);
    info.line = line;
    info.col = col;
    info.excerpt = excerptAt(source.text, line, col);
  }
  return info;
}
