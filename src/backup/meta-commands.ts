/**
 * Where a plain dump's lines start: in SQL code, or inside a string literal, quoted identifier,
 * dollar-quoted body or block comment that an earlier line opened. A line that starts in code with
 * a backslash is a psql meta-command (`\!` runs a shell command, `\connect` switches databases,
 * `\i` reads another file): restore refuses the dump instead of dropping or running it. Lines
 * that start inside a literal are data (a text value may hold a line `\connect x`).
 *
 * Line by line, carrying the state across lines, so a whole dump is lexed once. Nothing here has to
 * agree with psql byte for byte: dbctl never hands a plain dump to psql (see sql-loader.ts), so
 * a line this misreads goes to the server as SQL, where a backslash is a syntax error.
 */
type State = { in: 'code' } | { in: 'quote'; close: "'" | '"'; escapes: boolean } | { in: 'dollar'; tag: string } | { in: 'block'; depth: number };

const IDENT = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

export class LineLexer {
  #state: State = { in: 'code' };

  /** True when the next line starts in SQL code (not inside a literal or comment). */
  get atCode(): boolean {
    return this.#state.in === 'code';
  }

  /** Back to code (after COPY data, which is not SQL). */
  reset(): void {
    this.#state = { in: 'code' };
  }

  /** Reads one line (without its newline) and the newline after it. */
  line(text: string): void {
    let s = this.#state;
    let i = 0;
    const n = text.length;
    while (i < n) {
      if (s.in === 'code') {
        const c = text[i];
        const next = text[i + 1];
        if (c === '-' && next === '-') {
          i = n;
        } else if (c === '/' && next === '*') {
          s = { in: 'block', depth: 1 };
          i += 2;
        } else if (c === "'" || c === '"') {
          const escapes = c === "'" && /[eE]/.test(text[i - 1] ?? '') && !IDENT.test(text[i - 2] ?? '');
          s = { in: 'quote', close: c, escapes };
          i++;
        } else if (c === '$' && !IDENT.test(text[i - 1] ?? '')) {
          DOLLAR.lastIndex = i;
          const tag = DOLLAR.exec(text)?.[0];
          if (tag) {
            s = { in: 'dollar', tag };
            i += tag.length;
          } else i++;
        } else i++;
      } else if (s.in === 'quote') {
        const c = text[i];
        if (s.escapes && c === '\\') i += 2;
        else if (c === s.close) {
          if (text[i + 1] === s.close) i += 2;
          else {
            s = { in: 'code' };
            i++;
          }
        } else i++;
      } else if (s.in === 'dollar') {
        const end = text.indexOf(s.tag, i);
        if (end < 0) i = n;
        else {
          i = end + s.tag.length;
          s = { in: 'code' };
        }
      } else {
        if (text[i] === '/' && text[i + 1] === '*') (s.depth++, (i += 2));
        else if (text[i] === '*' && text[i + 1] === '/') {
          i += 2;
          if (--s.depth === 0) s = { in: 'code' };
        } else i++;
      }
    }
    this.#state = s;
  }
}

/**
 * pg_dump's own meta-commands (PostgreSQL 17.6 / 16.10 / 15.14 and later): `\restrict KEY` at the
 * top of a plain dump and `\unrestrict KEY` at its end, which put psql in a mode that runs no other
 * meta-command. They carry no SQL and are the only ones a dump may hold.
 */
export function isPgDumpRestrict(line: string): boolean {
  return /^\\(?:un)?restrict [A-Za-z0-9]+$/.test(line);
}
