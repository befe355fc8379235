/**
 * COPY's text format, one row a line: fields split by tabs, `\N` for NULL, backslash escapes.
 * Only rows of tables with a masked column are parsed; the rest pass through as bytes.
 */
export function parseLine(line: string): Array<string | null> {
  return line.split('\t').map(parseField);
}

export function formatLine(fields: Array<string | null>): string {
  return fields.map(formatField).join('\t') + '\n';
}

/** One field's value: null for `\N`, else its escapes undone. */
export function parseField(field: string): string | null {
  return field === '\\N' ? null : field.includes('\\') ? unescape(field) : field;
}

export function formatField(value: string | null): string {
  return value === null ? '\\N' : NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, (c) => ESCAPES[c]) : value;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const UNESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

function unescape(field: string): string {
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return UNESCAPES[e] ?? e;
  });
}
