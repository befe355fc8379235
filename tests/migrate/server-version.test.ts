import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/driver/database.js';
import { FUNCTIONS, versionProblems } from '../../src/migrate/server-version.js';
import { CONSTRUCTS } from './server-version-constructs.js';


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
