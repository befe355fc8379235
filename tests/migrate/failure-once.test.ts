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
});
