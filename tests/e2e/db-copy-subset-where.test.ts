import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';
import { ROOT, runCli, tempProject } from '../helpers/cli.js';

const SERVER = process.env.TEST_DATABASE_URL;
const FIXTURE = path.join(ROOT, 'tests/copy/predicate');
const MIGRATION = fs.readdirSync(path.join(FIXTURE, 'migrations'))[0];

/**
 * A subset `where` the server rejects is the user's mistake: one line naming the option (or config
 * key) and the table, exit 2, no stack trace, no "bug in dbctl", the target untouched and the
 * build database removed. people and account take the ctid path (their rows are fetched by the
 * subset), lonely the predicate path (its stream evaluates the predicate: a division by zero on a
 * row is met there, after other tables may have streamed). The process is the thing under test.
 */
describe.runIf(SERVER)('db copy: a bad subset where is a usage error', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let cwd: string;

  beforeAll(async () => {
    source = await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copyw' });
    target = await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copyw' });
    const up = fs.readFileSync(path.join(FIXTURE, 'migrations', MIGRATION), 'utf8').split('-- migrate:down')[0];
    const s = new pg.Client({ connectionString: source.url });
    await s.connect();
    await s.query(up + fs.readFileSync(path.join(FIXTURE, 'data.sql'), 'utf8'));
    await s.end();
    const t = new pg.Client({ connectionString: target.url });
    await t.connect();
    await t.query(`create table marker (note text); insert into marker values ('the target as it was')`);
    await t.end();
    cwd = tempProject({ [`migrations/${MIGRATION}`]: fs.readFileSync(path.join(FIXTURE, 'migrations', MIGRATION)) });
  }, 60_000);
  afterAll(async () => {
    await source?.drop();
    await target?.drop();
  });

  const copy = (args: string[], dir = cwd) => runCli(['db', 'copy', '--from', source.url, '--into', target.url, '--no-strict', ...args], { cwd: dir });

  async function assertUntouched(): Promise<void> {
    const admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    try {
      const left = await admin.query(`select datname from pg_database where starts_with(datname, $1)`, [`${target.name.slice(0, 36)}_dbctl_copy_`]);
      expect(left.rows).toEqual([]);
    } finally {
      await admin.end();
    }
    const t = new pg.Client({ connectionString: target.url });
    await t.connect();
    try {
      expect((await t.query('select note from marker')).rows).toEqual([{ note: 'the target as it was' }]);
    } finally {
      await t.end();
    }
  }

  it.each([
    ['an undefined column, ctid path (42703)', 'people:nosuch = 1', 'column "nosuch" does not exist'],
    ['a syntax error, predicate path (42601)', 'lonely:n = = 1', 'syntax error at or near "="'],
    ['an undefined function (42883)', 'account:nofn(id)', 'function nofn(integer) does not exist'],
    ['an undefined table (42P01)', 'people:id in (select id from nosuch)', 'relation "nosuch" does not exist'],
    ['a bad constant (22P02)', 'account:id = \'x\'', 'invalid input syntax for type integer: "x"'],
    ['a division by zero met on a row, ctid path (in the subset\'s fetch)', 'account:1 / (id - id) = 1', 'division by zero'],
    ['a division by zero met on a row, predicate path (in the stream)', 'lonely:1 / (id - id) = 1', 'division by zero'],
  ])('%s: one line naming --subset, exit 2', async (_, spec, reason) => {
    const r = await copy(['--subset', spec]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe(`error: --subset "${spec}": ${reason}\n`);
    expect(r.stderr).not.toMatch(/internal error|bug in dbctl|\n\s+at /);
    await assertUntouched();
  }, 60_000);

  it('a where from the config names its key and table', async () => {
    const dir = tempProject({
      [`migrations/${MIGRATION}`]: fs.readFileSync(path.join(FIXTURE, 'migrations', MIGRATION)),
      'dbctl.config.json': JSON.stringify({ copy: { subset: { start: [{ table: 'org', where: 'id < 5' }, { table: 'people', where: 'nosuch = 1' }] } } }),
    });
    const r = await copy([], dir);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe('error: copy.subset.start[1].where (people): column "nosuch" does not exist\n');
    await assertUntouched();
    const json = await runCli(['--json', 'db', 'copy', '--from', source.url, '--into', target.url, '--no-strict'], { cwd: dir });
    expect(json.code).toBe(2);
    expect(json.json()).toMatchObject({ ok: false, error: { code: 'copy_subset_where', sqlstate: '42703', table: 'public.people', option: 'copy.subset.start[1].where (people)' } });
  }, 60_000);
});
