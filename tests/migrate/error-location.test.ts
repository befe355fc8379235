import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { createTable, migrationProject, sqlMigration } from './helpers.js';

const exists = async (p: { query(t: string): Promise<any[]> }, rel: string) => (await p.query(`select to_regclass('${rel}') is not null as e`))[0].e;

describe.each(backends)('where a failure without a position is, on $name', (backend) => {
  it('names the failing statement of a transactional section, and leaves nothing of the search behind', async () => {
    const p = await migrationProject(backend, {
      '001_u.sql': sqlMigration(
        [
          'create table u (id int primary key);',
          "insert into u values (1); -- ok; still ok",
          'insert into u select 2 where $$;$$ <> \'\';',
          '  insert into u values (1);',
          'create table after_failure (id int);',
        ].join('\n'),
      ),
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.failure).toMatchObject({ sqlstate: '23505', line: 5, col: 3 });
    expect(error.failureReport).toContain('migrations/001_u.sql:5:3');
    expect(error.failureReport).toContain('5 |   insert into u values (1);');
    expect(await exists(p, 'public.u')).toBe(false);
    expect(await exists(p, 'public.after_failure')).toBe(false);
    expect((await p.migrator.status()).summary.pending).toBe(1);
  });

  it('names the statement of a RAISE in a DO block and of a division by zero after multi-byte text', async () => {
    const p = await migrationProject(backend, {
      '001_raise.sql': sqlMigration("select 'ünïcödé 😀';\ndo $$ begin raise exception 'nope; really'; end $$;\nselect 1;"),
    });
    const raise = await p.migrator.up().catch((e) => e);
    expect(raise.failure).toMatchObject({ sqlstate: 'P0001', message: 'nope; really', line: 3, col: 1 });
    p.remove('001_raise.sql');
    p.write({ '002_zero.sql': sqlMigration("select 'ü😀' as a; select 'x' as b; select 1/0 as c;") });
    const zero = await p.migrator.up().catch((e) => e);
    expect(zero.failure).toMatchObject({ sqlstate: '22012', line: 2, col: 36 });
  });

  it('counts a BEGIN ATOMIC body and a multi-action rule as one statement each, as the server does', async () => {
    const p = await migrationProject(backend, {
      '001_atomic.sql': sqlMigration(
        [
          'create table t (id int primary key);',
          'create table log (id int);',
          'create function f() returns int language sql begin atomic; select 1; select 2; end;',
          'create rule r as on insert to t do also (insert into log values (new.id); insert into log values (new.id));',
          'insert into t values (1);',
          'insert into t values (1);',
        ].join('\n'),
      ),
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.failure).toMatchObject({ sqlstate: '23505', line: 7, col: 1 });
  });

  it('names the failing statement of a transaction:false section, the rest of it not run', async () => {
    const p = await migrationProject(backend, {
      '001_t.sql': createTable('t'),
      '002_nt.sql': '-- migrate:up transaction:false\ninsert into t values (1);\n\n  insert into t values (1);\ninsert into t values (2);\n',
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.failure).toMatchObject({ name: '002_nt', sqlstate: '23505', line: 4, col: 3 });
    expect(await p.query('select id from t')).toEqual([{ id: 1 }]);
  });
});
