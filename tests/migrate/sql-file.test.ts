import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { parseSqlMigration } from '../../src/migrate/sql-file.js';

const refusal = (name: string, text: string) => {
  try {
    parseSqlMigration(name, text);
  } catch (error) {
    return error as { message: string; exitCode: number };
  }
  throw new Error('expected a refusal');
};

describe('parseSqlMigration (dbmate format)', () => {
  it('reads up and down sections with their offsets', () => {
    const text = '-- migrate:up\ncreate table t (id int);\n-- migrate:down\ndrop table t;\n';
    const m = parseSqlMigration('001_t.sql', text);
    expect(m.up.sql.trim()).toBe('create table t (id int);');
    expect(text.slice(m.up.offset).startsWith('\ncreate table')).toBe(true);
    expect(m.up.transaction).toBe(true);
    expect(m.down?.sql.trim()).toBe('drop table t;');
  });

  it('honours transaction:false on either section', () => {
    const m = parseSqlMigration('002_i.sql', '-- migrate:up transaction:false\ncreate index concurrently i on t (id);\n-- migrate:down transaction:false\ndrop index concurrently i;');
    expect(m.up.transaction).toBe(false);
    expect(m.down?.transaction).toBe(false);
  });

  it('an empty or comment-only down section is a no-op down (as dbmate); "irreversible" or no marker means none', () => {
    expect(parseSqlMigration('x.sql', '-- migrate:up\nselect 1;\n-- migrate:down\n-- nothing to undo\n').down?.sql.trim()).toBe('-- nothing to undo');
    expect(parseSqlMigration('x.sql', '-- migrate:up\nselect 1;\n-- migrate:down\n').down).toBeDefined();
    expect(parseSqlMigration('x.sql', '-- migrate:up\nselect 1;\n-- migrate:down irreversible\n-- the data is gone\n').down).toBeUndefined();
    expect(parseSqlMigration('x.sql', '-- migrate:up\nselect 1;\n').down).toBeUndefined();
    expect(refusal('/m/x.sql', '-- migrate:up\nselect 1;\n-- migrate:down irreversible\ndrop table t;\n').message).toMatch(/^x\.sql:3: "-- migrate:down irreversible" has SQL under it/);
  });

  it('refuses SQL before "-- migrate:up" (exit 2, file:line); blank and comment lines are fine', () => {
    const error = refusal('/m/005_pre.sql', '-- a comment\n\ncreate type mood as enum (\'ok\');\n-- migrate:up\nselect 1;\n');
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toMatch(/^005_pre\.sql:3: SQL before "-- migrate:up"/);
    expect(parseSqlMigration('x.sql', '-- header\n  -- indented\n\n-- migrate:up\nselect 1;\n').up.sql.trim()).toBe('select 1;');
  });

  it('accepts a UTF-8 BOM and CRLF line endings; offsets refer to the text without the BOM', () => {
    const m = parseSqlMigration('x.sql', '\uFEFF-- migrate:up transaction:false\r\nselect 1;\r\n-- migrate:down\r\nselect 2;\r\n');
    expect(m.text.startsWith('-- migrate:up')).toBe(true);
    expect(m.up.transaction).toBe(false);
    expect(m.text.slice(m.up.offset).trim().startsWith('select 1;')).toBe(true);
    expect(m.down?.sql.trim()).toBe('select 2;');
  });

  it('names the file (and line) when a marker is missing, repeated, out of order or has an unknown option', () => {
    expect(() => parseSqlMigration('/m/003_x.sql', 'create table t (id int);')).toThrow(/003_x\.sql: missing "-- migrate:up"/);
    expect(() => parseSqlMigration('/m/004_x.sql', '-- migrate:up transaction:maybe\nselect 1;')).toThrow(/004_x\.sql:1: unknown option "transaction:maybe"/);
    expect(() => parseSqlMigration('/m/006_x.sql', '-- migrate:up irreversible\nselect 1;')).toThrow(/006_x\.sql:1: unknown option "irreversible"/);
    expect(() => parseSqlMigration('/m/007_x.sql', '-- migrate:down\nselect 2;\n-- migrate:up\nselect 1;')).toThrow(/007_x\.sql:3: "-- migrate:up" must come before "-- migrate:down"/);
    expect(() => parseSqlMigration('/m/008_x.sql', '-- migrate:up\nselect 1;\n-- migrate:up\nselect 2;')).toThrow(/008_x\.sql:3: more than one "-- migrate:up"/);
  });
});
