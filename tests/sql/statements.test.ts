import { describe, expect, it } from 'vitest';
import { mayHoldViolation, transactionalViolation } from '../../src/migrate/sql-checks.js';
import { parseStatements, SqlParseError } from '../../src/sql/statements.js';

const texts = async (script: string) => (await parseStatements(script)).map((s) => s.sql);

describe('parseStatements (Postgres\'s parser)', () => {
  it('splits where the server does (leading comments are not part of a statement): E\'\' strings, BEGIN ATOMIC, nested dollar quotes, $tag$, comments with semicolons', async () => {
    const script = [
      "insert into t values (E'it\\'s; here', 'x;y');",
      '-- a comment; with a semicolon',
      '/* block; /* nested; */ comment */ select "we;ird" from t;',
      'create function f() returns int language sql begin atomic select 1; select 2; end;',
      "create function g() returns text language plpgsql as $outer$ begin return $inner$ ; $inner$; end $outer$;",
      'do $$ begin raise notice \'x;\'; end $$;',
      'select $q$;$q$',
    ].join('\n');
    expect(await texts(script)).toEqual([
      "insert into t values (E'it\\'s; here', 'x;y')",
      'select "we;ird" from t',
      'create function f() returns int language sql begin atomic select 1; select 2; end',
      'create function g() returns text language plpgsql as $outer$ begin return $inner$ ; $inner$; end $outer$',
      "do $$ begin raise notice 'x;'; end $$",
      'select $q$;$q$',
    ]);
  });

  it('gives JS string offsets although the parser counts UTF-8 bytes', async () => {
    const script = "-- ünïcödé 😀\nselect 'é😀';\n  select 2;";
    const [first, second] = await parseStatements(script);
    expect(script.slice(first.offset).startsWith("select 'é😀'")).toBe(true);
    expect(script.slice(second.offset, second.offset + 8)).toBe('select 2');
  });

  it('drops empty statements and comment-only text', async () => {
    expect(await texts('-- only a comment\n;;  ;')).toEqual([]);
    expect(await texts('')).toEqual([]);
    expect(await texts('prepare p as select $1; select 2')).toEqual(['prepare p as select $1', 'select 2']);
  });

  it('reports where a psql meta-command or a syntax error is', async () => {
    const meta = await parseStatements("select 'ü';\n\\connect other\nselect 2;").catch((e) => e);
    expect(meta).toBeInstanceOf(SqlParseError);
    expect(meta.metaCommand).toBe('\\connect');
    expect(meta.offset).toBe(12);
    const syntax = await parseStatements('select 1;\nselec 2;').catch((e) => e);
    expect(syntax.metaCommand).toBeUndefined();
    expect(syntax.offset).toBe(10);
  });
});

describe('transactionalViolation', () => {
  const violation = async (script: string) => transactionalViolation(await parseStatements(script));

  it('refuses transaction control, naming it as written', async () => {
    for (const [sql, word] of [
      ['begin', 'BEGIN'],
      ['start transaction', 'START TRANSACTION'],
      ['commit', 'COMMIT'],
      ['end', 'END'],
      ['rollback', 'ROLLBACK'],
      ['abort', 'ABORT'],
      ["prepare transaction 'x'", 'PREPARE TRANSACTION'],
      ["commit prepared 'x'", 'COMMIT PREPARED'],
    ]) {
      const v = await violation(`create table a (id int);\n${sql};`);
      expect(v?.message).toBe(`${word} inside a transactional section: dbctl runs the section in its own transaction, which this would end or nest`);
      expect(v?.fix).toBe('transaction:false');
    }
  });

  it('allows savepoints the section sets, and refuses RELEASE / ROLLBACK TO of one it did not', async () => {
    expect(await violation('savepoint s; select 1; rollback to savepoint s; release s;')).toBeUndefined();
    expect((await violation('rollback to savepoint s;'))?.message).toBe('ROLLBACK TO SAVEPOINT s names no savepoint set earlier in this section');
    expect((await violation('savepoint s; release s; release s;'))?.fix).toBe('savepoint');
  });

  it('refuses what Postgres will not run in a transaction block, and allows ALTER TYPE … ADD VALUE', async () => {
    const refused: [string, string][] = [
      ['vacuum t', 'VACUUM'],
      ['create index concurrently i on t (id)', 'CREATE INDEX CONCURRENTLY'],
      ['drop index concurrently i', 'DROP INDEX CONCURRENTLY'],
      ['reindex table concurrently t', 'REINDEX … CONCURRENTLY'],
      ['reindex (concurrently) index i', 'REINDEX … CONCURRENTLY'],
      ['reindex database d', 'REINDEX DATABASE'],
      ['alter system set work_mem = 1', 'ALTER SYSTEM'],
      ['create database d', 'CREATE DATABASE'],
      ['drop database d', 'DROP DATABASE'],
      ['create tablespace s location \'/x\'', 'CREATE TABLESPACE'],
      ['alter table p detach partition c concurrently', 'DETACH PARTITION … CONCURRENTLY'],
      ['cluster', 'CLUSTER without a table'],
      ['discard all', 'DISCARD ALL'],
      ["create subscription s connection 'x' publication p", 'CREATE SUBSCRIPTION (it creates a replication slot)'],
    ];
    for (const [sql, what] of refused) expect((await violation(sql))?.message).toBe(`${what} cannot run inside a transaction block`);
    for (const sql of [
      "alter type mood add value 'meh'",
      'analyze t',
      'reindex (concurrently false) table t',
      'cluster t using i',
      "create subscription s connection 'x' publication p with (connect = false)",
      'discard temp',
    ]) expect(await violation(sql)).toBeUndefined();
  });
});

describe('mayHoldViolation (the lexical test that spares clean sections the parser)', () => {
  it('lets through to the parser every statement transactionalViolation refuses, and psql meta-commands', () => {
    for (const sql of [
      'begin', 'start transaction', 'COMMIT', 'end', 'rollback', 'abort', "prepare transaction 'x'", "commit prepared 'x'",
      'savepoint s; release s', 'rollback to savepoint s', 'vacuum t', 'create index concurrently i on t (id)', 'drop index concurrently i',
      'reindex table concurrently t', 'reindex database d', 'alter system set work_mem = 1', 'create database d', 'drop database d',
      "create tablespace s location '/x'", 'alter table p detach partition c concurrently', 'cluster', 'discard all',
      "create subscription s connection 'x' publication p", '\\c other', 'create table a (id int);\nCommit;',
    ]) expect(mayHoldViolation(sql), sql).toBe(true);
  });

  it('reads words only outside comments, quotes, quoted identifiers and dollar quotes', () => {
    for (const sql of [
      'create table t (id int primary key, name text);\ncreate index t_name on t (name);',
      "-- commit; vacuum\ncreate table a (id int); /* begin /* nested end */ rollback */",
      "insert into t (name) values ('commit; end'), (E'it\\'s vacuum'), ($$begin$$), ($tag$ rollback $tag$);",
      'create table "end" ("database" text, "commit" int);',
      "create function f() returns int language plpgsql as $$ begin return 1; end $$;",
    ]) expect(mayHoldViolation(sql), sql).toBe(false);
    // Conservative where a word could be either: the parser decides.
    expect(mayHoldViolation('select case when true then 1 end')).toBe(true);
  });
});
