import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/driver/open.js';
import { FUNCTIONS, versionProblems } from '../../src/migrate/server-version.js';

/**
 * Each construct a production server older than the embedded Postgres 18 refuses, with the first
 * major that accepts it: refused one major below, accepted from it on. Syntax is checked by that
 * major's own parser too (libpg-query-15/16/17), so a wrong `since` here fails this table.
 */
const CONSTRUCTS: Array<[string, number, string, RegExp]> = [
  ['uuidv7()', 18, 'create table t (id uuid default uuidv7())', /uuidv7\(\) needs PostgreSQL 18/],
  ['virtual generated column', 18, 'create table t (a int, b int generated always as (a * 2) virtual)', /virtual generated column/],
  ['generated column with no STORED (virtual in 18)', 18, 'create table t (a int, b int generated always as (a * 2))', /virtual generated column/],
  ['OLD/NEW in RETURNING', 18, 'update t set a = 1 returning old.a, new.a', /OLD\.… in RETURNING needs PostgreSQL 18/],
  ['RETURNING WITH (OLD AS …)', 18, 'delete from t returning with (old as o) o.a', /RETURNING WITH/],
  ['NOT NULL … NOT VALID', 18, 'alter table t add constraint t_a_nn not null a not valid', /NOT NULL … NOT VALID needs PostgreSQL 18/],
  ['WITHOUT OVERLAPS', 18, 'create table p (id int, valid tstzrange, primary key (id, valid without overlaps))', /WITHOUT OVERLAPS/],
  ['COPY … REJECT_LIMIT', 18, 'copy t from stdin with (on_error ignore, reject_limit 3)', /REJECT_LIMIT needs PostgreSQL 18/],
  ['MERGE … RETURNING', 17, 'merge into t using s on t.a = s.a when matched then update set b = 1 returning *', /MERGE … RETURNING needs PostgreSQL 17/],
  ['JSON_TABLE', 17, "select * from json_table('[]'::jsonb, '$[*]' columns (a int path '$.a')) jt", /JSON_TABLE needs PostgreSQL 17/],
  ['JSON_VALUE', 17, "select json_value('{}'::jsonb, '$.a')", /JSON_VALUE needs PostgreSQL 17/],
  ['COPY … ON_ERROR', 17, 'copy t from stdin with (on_error ignore)', /COPY … ON_ERROR needs PostgreSQL 17/],
  ['uuid_extract_timestamp()', 17, "select uuid_extract_timestamp('0190a6f0-0000-7000-8000-000000000000'::uuid)", /uuid_extract_timestamp\(\) needs PostgreSQL 17/],
  ['random(min, max)', 17, 'select random(1, 10)', /random\(\) with 2 arguments needs PostgreSQL 17/],
  ['JSON_OBJECT(k: v)', 16, "select json_object('a': 1)", /JSON_OBJECT\(…\) needs PostgreSQL 16/],
  ['JSON_ARRAY', 16, 'select json_array(1, 2)', /JSON_ARRAY\(…\) needs PostgreSQL 16/],
  ['IS JSON', 16, "select '1' is json", /IS JSON needs PostgreSQL 16/],
  ['ANY_VALUE', 16, 'select any_value(a) from t', /any_value\(\) needs PostgreSQL 16/],
  ['MERGE', 15, 'merge into t using s on t.a = s.a when matched then update set b = 1', /^MERGE needs PostgreSQL 15/],
  ['NULLS NOT DISTINCT', 15, 'create table u (a int unique nulls not distinct)', /NULLS NOT DISTINCT needs PostgreSQL 15/],
];

describe('versionProblems: what an older production server refuses', () => {
  it.each(CONSTRUCTS)('%s: refused below %i, accepted from it on', async (_name, since, sql, message) => {
    const below = await versionProblems(sql, since - 1);
    expect(below.length).toBeGreaterThan(0);
    expect(below.map((p) => p.message).join('\n')).toMatch(message);
    expect(await versionProblems(sql, since)).toEqual([]);
  });

  it('syntax that no tree rule names is still refused by that major\'s own parser, at its position', async () => {
    // `NOT ENFORCED` check constraints are Postgres 18 syntax.
    const sql = 'create table t (a int);\ncreate table u (a int, check (a > 0) not enforced);';
    const [problem] = await versionProblems(sql, 17);
    expect(problem.message).toBe('PostgreSQL 17 cannot parse this: syntax error at or near "enforced"');
    expect(sql.slice(problem.offset, problem.offset + 8)).toBe('enforced');
  });

  it('gives the offset of the construct itself (a JS offset, after multi-byte text), and nothing for 18 or newer', async () => {
    const sql = "-- ünïcödé 😀\ninsert into t values ('é😀');\ncreate table t (id uuid default uuidv7());";
    const [problem] = await versionProblems(sql, 16);
    expect(sql.slice(problem.offset)).toMatch(/^uuidv7\(\)/);
    expect(await versionProblems(sql, 18)).toEqual([]);
    expect(await versionProblems(sql, 19)).toEqual([]);
  });

  it('a statement-level construct points at the statement, not at the comments before it', async () => {
    const sql = 'select 1;\n-- upsert\nmerge into t using s on t.a = s.a when matched then delete;';
    const [problem] = await versionProblems(sql, 14);
    expect(sql.slice(problem.offset)).toMatch(/^merge into/);
  });

  it('leaves alone a function the project defines itself (a polyfill) and a schema-qualified one', async () => {
    const polyfill = 'create function uuidv7() returns uuid language sql as $$ select gen_random_uuid() $$;\ncreate table t (id uuid default uuidv7());';
    expect(await versionProblems(polyfill, 15)).toEqual([]);
    expect(await versionProblems('create table t (id uuid default uuidv7())', 15, { userFunctions: new Set(['uuidv7']) })).toEqual([]);
    expect(await versionProblems('create table t (id uuid default app.uuidv7())', 15)).toEqual([]);
    expect(await versionProblems('create table t (id uuid default pg_catalog.uuidv7())', 15)).toHaveLength(1);
  });

  it('text Postgres 18 cannot parse either is not its business (the run or squawk reports that syntax error)', async () => {
    expect(await versionProblems('create tabel t (a int)', 15)).toEqual([]);
  });
});

// The function table is dbctl's own: check it against real catalogs. Embedded (18) has every one;
// a server older than a function's major has none of that name in pg_catalog.
describe('the function table against real catalogs', () => {
  const names = Object.keys(FUNCTIONS);
  const catalog = async (url: string | undefined) => {
    const db = await openDatabase({ url: url ?? 'pglite://memory' });
    try {
      const { rows: [{ v }] } = await db.query<{ v: string }>("select current_setting('server_version_num')::int / 10000 as v");
      const { rows } = await db.query<{ proname: string; nargs: number }>(
        "select proname, pronargs as nargs from pg_proc where pronamespace = 'pg_catalog'::regnamespace and proname = any($1)",
        [names],
      );
      return { major: Number(v), rows };
    } finally {
      await db.close();
    }
  };

  it('embedded Postgres 18 has every function in the table', async () => {
    const { major, rows } = await catalog(undefined);
    expect(major).toBe(18);
    expect(names.filter((n) => !rows.some((r) => r.proname === n))).toEqual([]);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('a server older than a function\'s major lacks it (set TEST_DATABASE_URL to run)', async () => {
    const { major, rows } = await catalog(process.env.TEST_DATABASE_URL);
    const shouldLack = names.filter((n) => FUNCTIONS[n].since > major);
    const present = rows.filter((r) => shouldLack.includes(r.proname) && (FUNCTIONS[r.proname].args === undefined || r.nargs === FUNCTIONS[r.proname].args));
    expect(present).toEqual([]);
    const shouldHave = names.filter((n) => FUNCTIONS[n].since <= major);
    expect(shouldHave.filter((n) => !rows.some((r) => r.proname === n))).toEqual([]);
  });
});
