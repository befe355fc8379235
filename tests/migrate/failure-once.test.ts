import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { migrationProject, sqlMigration } from './helpers.js';

/**
 * Where a failure without a position is comes from what the server reported (the statements it
 * completed before the error), never from running the migration again: a re-run repeats a slow
 * statement and what no rollback undoes. A sequence proves it: nextval is not rolled back, so its
 * value counts how many times a statement ran.
 */
const sequence = sqlMigration('create sequence s;', 'drop sequence s;');
const lastValue = async (p: { query(t: string): Promise<any[]> }) => (await p.query(`select last_value::int as v, is_called from s`))[0];

describe.each(backends)('a failing statement runs once, on $name', (backend) => {
  it('names the last statement of a multi-statement migration with file:line, running each statement once', async () => {
    const p = await migrationProject(backend, {
      '001_s.sql': sequence,
      '002_fail.sql': sqlMigration(['create table t (id int primary key);', "select nextval('s');", 'insert into t values (1);', '', '  select nextval(\'s\') / 0;'].join('\n')),
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.failure).toMatchObject({ name: '002_fail', sqlstate: '22012', line: 6, col: 3 });
    expect(error.failureReport).toContain('migrations/002_fail.sql:6:3');
    // Two nextval calls, each run once: a re-run to find the statement would have made it 4.
    expect(await lastValue(p)).toEqual({ v: 2, is_called: true });
    expect(await p.query(`select to_regclass('public.t') as t`)).toEqual([{ t: null }]);
  });

  it('names the statement with --single-transaction too, or at least the migration, running it once', async () => {
    const p = await migrationProject(backend, { '001_s.sql': sequence });
    await p.migrator.up();
    p.write({ '002_ok.sql': sqlMigration("select nextval('s');"), '003_fail.sql': sqlMigration("select 1;\nselect nextval('s') / 0;") });
    const error = await p.migrator.up({ singleTransaction: true }).catch((e) => e);
    expect(error.failure).toMatchObject({ name: '003_fail', sqlstate: '22012' });
    // node-postgres counts through Kysely as well; PGlite's exec does not say, so no line there.
    if (backend.name === 'pg') expect(error.failure).toMatchObject({ line: 3, col: 1 });
    expect(await lastValue(p)).toEqual({ v: 2, is_called: true });
  });

  // PGlite runs a statement to its end in the one thread that would have to fire the timer: it has no statement_timeout.
  it.runIf(backend.name === 'pg')('a statement_timeout runs the slow statement once and names it', async () => {
    const p = await migrationProject(backend, {
      '001_s.sql': sequence,
      '002_slow.sql': sqlMigration(["set local statement_timeout = '200ms';", 'select 1;', "select nextval('s'), pg_sleep(30);", "select nextval('s');"].join('\n')),
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.failure).toMatchObject({ name: '002_slow', sqlstate: '57014', line: 4, col: 1 });
    expect(await lastValue(p)).toEqual({ v: 1, is_called: true });
  });
  // A lock the test holds throughout: every attempt gives up on lock_timeout (55P03).
  it.runIf(backend.name === 'pg')('a lock_timeout is located from the attempt that failed: each attempt runs once, none more to find the statement', async () => {
    const p = await migrationProject(backend, { '001_s.sql': sqlMigration('create sequence s; create table t (id int);', 'drop table t; drop sequence s;') });
    await p.migrator.up();
    p.write({ '002_lock.sql': sqlMigration(["select nextval('s');", 'select 1;', '', 'lock table t in access exclusive mode;'].join('\n')) });
    await p.reload({ ddlLockTimeout: '50ms' });
    const pg = (await import('pg')).default;
    const blocker = new pg.Client({ connectionString: p.url });
    await blocker.connect();
    try {
      await blocker.query('begin; lock table t in access share mode');
      const error = await p.migrator.up().catch((e) => e);
      expect(error.failure).toMatchObject({ name: '002_lock', sqlstate: '55P03', line: 5, col: 1 });
    } finally {
      await blocker.end();
    }
    const attempts = 1 + p.events.filter((e) => e.type === 'retry').length;
    expect(attempts).toBeGreaterThan(1);
    // nextval once per attempt (the retries are the lock policy's): none to locate the failure.
    expect(await lastValue(p)).toEqual({ v: attempts, is_called: true });
  });
});
