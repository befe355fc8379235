import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { backends } from '../helpers/backends.js';
import { createTable, migrationProject, sqlMigration } from './helpers.js';

const exists = async (p: { query(t: string): Promise<any[]> }, rel: string) => (await p.query(`select to_regclass('${rel}') is not null as e`))[0].e;

describe.each(backends)('statements a transactional section cannot hold, on $name', (backend) => {
  it('refuses COMMIT inside a section before anything runs (exit 2, file:line:col, hint transaction:false)', async () => {
    const p = await migrationProject(backend, {
      '001_first.sql': createTable('first'),
      '002_commit.sql': sqlMigration('create table a (id int);\n  COMMIT;\nselect 1/0;'),
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error).toMatchObject({ exitCode: ExitCode.usage, code: 'migration_invalid' });
    expect(error.message).toBe("002_commit.sql:3:3: COMMIT inside a transactional section: dbctl runs the section in its own transaction, which this would end or nest");
    expect(error.hint).toContain('"-- migrate:up transaction:false"');
    expect(error.data).toMatchObject({ line: 3, col: 3 });
    // Nothing ran: neither the file's table nor the migration before it.
    expect(await exists(p, 'public.a')).toBe(false);
    expect(await exists(p, 'public.first')).toBe(false);
  });

  it('refuses each statement Postgres will not run in a transaction block, naming where it is', async () => {
    const cases: [string, string][] = [
      ['vacuum t;', 'VACUUM'],
      ['create index concurrently t_i on t (id);', 'CREATE INDEX CONCURRENTLY'],
      ['reindex table concurrently t;', 'REINDEX … CONCURRENTLY'],
      ['alter system set work_mem = 1;', 'ALTER SYSTEM'],
      ['create database nope;', 'CREATE DATABASE'],
      ['drop database nope;', 'DROP DATABASE'],
      ['end;', 'END inside a transactional section'],
      ['start transaction;', 'START TRANSACTION inside a transactional section'],
      ['rollback;', 'ROLLBACK inside a transactional section'],
    ];
    const p = await migrationProject(backend, { '001_t.sql': createTable('t') });
    await p.migrator.up();
    for (const [statement, what] of cases) {
      p.write({ '002_x.sql': `-- migrate:up\ninsert into t values (1);\n\n   ${statement}\n-- migrate:down\n` });
      const error = await p.migrator.up().catch((e) => e);
      expect({ statement, exitCode: error.exitCode, message: error.message }).toMatchObject({ statement, exitCode: ExitCode.usage, message: expect.stringMatching(new RegExp(`^002_x\\.sql:4:4: ${what.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)) });
    }
    expect(await p.query('select count(*)::int as n from t')).toEqual([{ n: 0 }]);
  });

  it('runs ALTER TYPE … ADD VALUE and savepoints the section sets inside the transaction', async () => {
    const p = await migrationProject(backend, {
      '001_enum.sql': sqlMigration("create type mood as enum ('ok');\nalter type mood add value 'meh';\ncreate table s (id int);\nsavepoint before;\ninsert into s values (1);\nrollback to savepoint before;\nrelease savepoint before;"),
    });
    await p.migrator.up();
    expect(await p.query(`select enum_range(null::mood)::text as r, (select count(*)::int from s) as n`)).toEqual([{ r: '{ok,meh}', n: 0 }]);
  });

  it('a transaction:false section may manage its own transactions and runs what a transaction block refuses', async () => {
    const p = await migrationProject(backend, {
      '001_t.sql': createTable('t'),
      '002_own.sql': [
        '-- migrate:up transaction:false',
        'begin;',
        'insert into t values (1);',
        'commit;',
        'vacuum t;',
        'create function one() returns int language sql begin atomic select 1; end;',
        'create index concurrently t_i on t (id);',
        "insert into t select one() + length(E'\\';') where $a$ ; $b$ ; $b$ $a$ <> '';",
        '-- migrate:down',
      ].join('\n'),
    });
    await p.migrator.up();
    expect(await p.query('select id from t order by id')).toEqual([{ id: 1 }, { id: 3 }]);
  });
});
