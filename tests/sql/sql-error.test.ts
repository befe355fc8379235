import { describe, expect, it } from 'vitest';
import { excerptAt, locate } from '../../src/sql/sql-error.js';

describe('locate: Postgres position → line:column', () => {
  it('counts lines and columns from 1', () => {
    expect(locate('select 1;\nselect nope;', 18)).toEqual({ line: 2, col: 8 });
  });

  it('ignores CR in CRLF files', () => {
    expect(locate('select 1;\r\nselect nope;', 19)).toEqual({ line: 2, col: 8 });
  });

  it('counts characters, not bytes or UTF-16 units', () => {
    // "é" is 2 bytes, "😀" is 2 UTF-16 units: Postgres counts each as one character.
    const text = "select 'é😀', nope";
    expect(locate(text, 14)).toEqual({ line: 1, col: 14 });
    expect(Array.from(text)[13]).toBe('n');
    expect(text.indexOf('nope')).toBe(14); // UTF-16 index differs: the emoji is two units
  });

  it('adds the offset of the statement inside the file', () => {
    const file = '-- migrate:up\nselect nope;';
    expect(locate(file, 8, 14)).toEqual({ line: 2, col: 8 });
  });

  it('draws a caret under the column', () => {
    expect(excerptAt('a\nselect nope\nc', 2, 8)).toBe('1 | a\n2 | select nope\n  |        ^\n3 | c');
  });
});
