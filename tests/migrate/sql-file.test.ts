import { describe, expect, it } from 'vitest';
import { parseSqlMigration } from '../../src/migrate/sql-file.js';

describe('parseSqlMigration (dbmate format)', () => {
  it('reads up and down sections with their offsets', () => {
    const text = '-- migrate:up\ncreate table t (id int);\n-- migrate:down\ndrop table t;\n';
    const m = parseSqlMigration('001_t.sql', text);
    expect(m.up.sql.trim()).toBe('create table t (id int);');
    expect(text.slice(m.up.offset).startsWith('\ncreate table')).toBe(true);
    expect(m.up.transaction).toBe(true);
    expect(m.down?.sql.trim()).toBe('drop table t;');
  });

  it('honours transaction:false per section', () => {
    const m = parseSqlMigration('002_i.sql', '-- migrate:up transaction:false\ncreate index concurrently i on t (id);\n-- migrate:down\ndrop index i;');
    expect(m.up.transaction).toBe(false);
    expect(m.down?.transaction).toBe(true);
  });

  it('treats an empty or comment-only down section as no down', () => {
    expect(parseSqlMigration('x.sql', '-- migrate:up\nselect 1;\n-- migrate:down\n-- nothing to undo\n').down).toBeUndefined();
  });

  it('names the file when the up marker is missing or an option is unknown', () => {
    expect(() => parseSqlMigration('/m/003_x.sql', 'create table t (id int);')).toThrow(/003_x\.sql: missing "-- migrate:up"/);
    expect(() => parseSqlMigration('/m/004_x.sql', '-- migrate:up transaction:maybe\nselect 1;')).toThrow(/004_x\.sql: unknown option "transaction:maybe"/);
  });
});
