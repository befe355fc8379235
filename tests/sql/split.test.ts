import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../src/sql/split.js';

describe('splitStatements', () => {
  it('splits on semicolons outside quotes, dollar quotes and comments', () => {
    const script = [
      "create table a (t text default 'x;y');",
      '-- a comment; with a semicolon',
      'create function f() returns int language plpgsql as $body$ begin return 1; end $body$;',
      '/* block; /* nested; */ comment */ select "we;ird" from a;',
      'select $$;$$',
    ].join('\n');
    const parts = splitStatements(script).map((s) => s.sql);
    expect(parts).toHaveLength(4);
    expect(parts[0]).toBe("create table a (t text default 'x;y')");
    expect(parts[1]).toContain('$body$ begin return 1; end $body$');
    expect(parts[2]).toContain('"we;ird"');
    expect(parts[3]).toBe('select $$;$$');
  });

  it('reports each statement offset so errors map back into the file', () => {
    const script = 'select 1;\n  select 2;';
    const [, second] = splitStatements(script);
    expect(script.slice(second.offset, second.offset + 8)).toBe('select 2');
  });

  it('drops comment-only and empty statements', () => {
    expect(splitStatements('-- only a comment\n;;  ;')).toEqual([]);
  });

  it('does not take a positional parameter like $1 for a dollar quote', () => {
    expect(splitStatements('prepare p as select $1; select 2').map((s) => s.sql)).toEqual(['prepare p as select $1', 'select 2']);
  });
});

describe('splitStatements (lexical, for dump batches)', () => {
  it("honours backslash escapes in E'' strings", () => {
    expect(splitStatements("select E'it\\'s; x'; select 'a\\'; select 2").map((s) => s.sql)).toEqual(["select E'it\\'s; x'", "select 'a\\'", 'select 2']);
  });
});
