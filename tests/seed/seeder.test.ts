import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { OperationError, UsageError } from '../../src/errors.js';
import { backends } from '../helpers/backends.js';
import { closeAll, PROJECT, seedProject } from './helpers.js';

afterEach(closeAll);

const BOOM = `export async function seed(ctx) {
  await ctx.upsert('ref_countries', [{ code: 'ZZ', name: 'Left behind?' }]);
  await ctx.db.insertInto('books').values({ id: ctx.id('books', 'x'), author_id: ctx.id('authors', 0), title: 't', pages: 1 }).execute();
  throw new Error('boom at line 4');
}
`;

describe.each(backends)('seeds on $name', (backend) => {
  it('is deterministic: two fresh databases get the same digest, and adding a seed file changes no other file\'s data', async () => {
    const a = await seedProject(backend);
    const b = await seedProject(backend, { ...PROJECT, 'seeds/common/00_extra.ts': `export async function seed(ctx) { ctx.faker.number.int(); await ctx.upsert('ref_countries', [{ code: 'EX', name: ctx.faker.location.country() }]); }\n` });
    await a.seed();
    await b.seed();
    const [da, db] = [await a.digests(), await b.digests()];
    expect(db.authors).toBe(da.authors);
    expect(db.books).toBe(da.books);
    expect(db['Odd "Table"']).toBe(da['Odd "Table"']);
    expect(db.ref_countries).not.toBe(da.ref_countries);
    expect(await a.counts()).toEqual({ authors: 5, books: 10, 'Odd "Table"': 1, ref_countries: 2 });

    // Another --seed: other faker data, the same ids (so the same rows get updated in place).
    const report = await a.seed({ seed: 7 });
    expect(report.totals.authors).toEqual({ inserted: 0, updated: 5, deleted: 0 });
    expect((await a.digests()).authors).not.toBe(da.authors);
  });

  it('is idempotent: seeding twice leaves the same rows as seeding once, and the second run writes nothing', async () => {
    const p = await seedProject(backend);
    // A dry run on the empty database: books need the authors of an earlier seed, and get them.
    const dry = await p.seed({ dryRun: true });
    expect(dry.totals.books).toEqual({ inserted: 10, updated: 0, deleted: 0 });
    expect(Object.values(await p.counts())).toEqual([0, 0, 0, 0]);
    const first = await p.seed();
    expect(first.totals).toEqual({
      authors: { inserted: 5, updated: 0, deleted: 0 },
      books: { inserted: 10, updated: 0, deleted: 0 },
      'Odd "Table"': { inserted: 1, updated: 0, deleted: 0 },
      ref_countries: { inserted: 2, updated: 0, deleted: 0 },
    });
    expect(first.seeds.map((s) => s.name)).toEqual(['common/01_countries', 'common/02_authors', 'development/03_books', 'development/04_odd']);
    expect(first.seeds[1].tables).toEqual({ authors: { inserted: 5, updated: 0, deleted: 0 } });
    const once = await p.digests();
    const second = await p.seed();
    expect(second.totals).toEqual({});
    expect(await p.digests()).toEqual(once);

    // The values survive the round trip through COPY as written.
    const { rows } = await sql<any>`select tags, meta->>'i' as i, "Value" from authors, "Odd ""Table""" where email = 'a3@example.org'`.execute(await p.database.kysely());
    expect(rows[0].tags[1]).toBe('with "quotes", commas');
    expect(rows[0].i).toBe('3');
    expect(rows[0].Value).toBe('tab\there');
  });

  it('rolls back a seed that throws: none of its rows stay, earlier seeds stay, the error names file and line', async () => {
    const p = await seedProject(backend, { ...PROJECT, 'seeds/development/05_boom.ts': BOOM });
    const error = await p.seed().catch((e) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect(error.code).toBe('seed_failed');
    expect(error.message).toMatch(/^seeds\/development\/05_boom\.ts:4:\d+: seed development\/05_boom failed: boom at line 4$/);
    expect(error.data).toMatchObject({ seed: 'development/05_boom', line: 4 });
    expect(error.failureReport).toContain("throw new Error('boom at line 4')");
    const counts = await p.counts();
    expect(counts).toMatchObject({ ref_countries: 2, books: 10, authors: 5 });

    // A SQL seed's error points at the failing statement's line.
    p.remove('seeds/development/05_boom.ts');
    p.write({ 'seeds/development/05_bad.sql': `insert into ref_countries values ('Q1', 'ok', 1);\n\ninsert into ref_countries values ('Q2', 'bad', 'not a number');\n` });
    const sqlError = await p.seed().catch((e) => e);
    expect(sqlError.message).toMatch(/^seeds\/development\/05_bad\.sql:3:\d+: seed development\/05_bad failed: invalid input syntax for type bigint/);
    expect(await p.counts()).toMatchObject({ ref_countries: 2 });
  });

  it('cancels a COPY cut short by the row generator and reports the seed line of a duplicate key', async () => {
    const p = await seedProject(backend, {
      'seeds/common/01_gen.ts': `export async function seed(ctx) {
  function* rows() { for (let i = 0; i < 12000; i++) { if (i === 11000) throw new Error('generator gave up'); yield { code: 'C' + i, name: 'n' + i }; } }
  await ctx.insert('ref_countries', rows(), { batchSize: 1000 });
}
`,
    });
    expect((await p.seed().catch((e) => e)).message).toMatch(/01_gen\.ts:2:\d+: .*generator gave up/);
    expect(await p.counts()).toMatchObject({ ref_countries: 0 });

    p.write({ 'seeds/common/01_gen.ts': `export async function seed(ctx) {\n  await ctx.insert('ref_countries', [{ code: 'A', name: 'a' }, { code: 'A', name: 'b' }]);\n}\n` });
    const dup = await p.seed().catch((e) => e);
    expect(dup.message).toMatch(/^seeds\/common\/01_gen\.ts:2:\d+: .*duplicate key value violates unique constraint "ref_countries_pkey"/);
    expect(dup.data.sqlstate).toBe('23505');
    // The session is usable after the cancelled COPY.
    expect((await p.seed({ only: ['nothing'] }).catch((e) => e))).toBeInstanceOf(UsageError);
    expect(await p.counts()).toMatchObject({ ref_countries: 0 });
  });

  it('selects seeds by environment and --only, scales, and rolls back a dry run', async () => {
    const p = await seedProject(backend);
    const test = await p.seed({ env: 'test' });
    expect(test.seeds.map((s) => s.name)).toEqual(['common/01_countries', 'common/02_authors', 'test/03_marker']);
    expect(await p.counts()).toEqual({ authors: 5, books: 0, 'Odd "Table"': 0, ref_countries: 3 });

    const only = await p.seed({ only: ['02_authors'], scale: 3 });
    expect(only.seeds.map((s) => s.name)).toEqual(['common/02_authors']);
    expect(only.scale).toBe(3);
    expect(only.totals.authors).toEqual({ inserted: 10, updated: 0, deleted: 0 }); // 5 were there from the test run
    const books = await p.seed({ scale: 3, only: ['development/03_books'] });
    expect(books.totals.books).toEqual({ inserted: 30, updated: 0, deleted: 0 });
    expect(await p.counts()).toEqual({ authors: 15, books: 30, 'Odd "Table"': 0, ref_countries: 3 });

    const before = await p.digests();
    const dry = await p.seed({ dryRun: true, seed: 99 });
    expect(dry.dryRun).toBe(true);
    expect(dry.totals.authors.updated).toBe(5);
    expect(await p.digests()).toEqual(before);
    await expect(p.seed({ only: ['nope'] })).rejects.toThrow('no seed named "nope" for this environment');
  });

  it('upserts fixtures by key and fails on a bad fixture naming the fixture file and line', async () => {
    const p = await seedProject(backend, {
      'fixtures/countries.json': JSON.stringify([{ code: 'FR', name: 'France', population: 68000000 }, { code: 'DE', name: 'Germany', population: null }], null, 2),
      'seeds/common/01_ref.ts': `export async function seed(ctx) {\n  await ctx.upsertFixture('countries', { table: 'ref_countries', key: 'code' });\n}\n`,
    });
    expect((await p.seed()).totals.ref_countries).toEqual({ inserted: 2, updated: 0, deleted: 0 });
    p.write({ 'fixtures/countries.json': JSON.stringify([{ code: 'FR', name: 'France (updated)', population: 68000000 }, { code: 'DE', name: 'Germany', population: null }], null, 2) });
    expect((await p.seed()).totals.ref_countries).toEqual({ inserted: 0, updated: 1, deleted: 0 });

    p.write({ 'fixtures/countries.json': '[\n  {"code": "FR", "name": "France"},\n  {"code": "DE" "name": "Germany"}\n]\n' });
    const bad = await p.seed().catch((e) => e);
    expect(bad.message).toMatch(/^seeds\/common\/01_ref\.ts:2:\d+: seed common\/01_ref failed: fixtures\/countries\.json:3:\d+: invalid JSON/);
    p.remove('fixtures/countries.json');
    p.write({ 'fixtures/countries.csv': 'code,name,population\nFR,France,1\nDE,Germany\n' });
    expect((await p.seed().catch((e) => e)).message).toMatch(/fixtures\/countries\.csv:3: invalid CSV/);
  });

  it('a duplicate key in a fixture names the file, the key and both lines, by the primary key or the key given', async () => {
    const p = await seedProject(backend, {
      'fixtures/countries.csv': 'code,name,population\nFR,"France,\nRepublic",1\n\nDE,Germany,2\nFR,Again,3\n',
      'seeds/common/01_ref.ts': `export const fixtures = { countries: { table: 'ref_countries' } };\n`,
    });
    const csv = await p.seed().catch((e) => e);
    expect(csv.message).toMatch(/^seeds\/common\/01_ref\.ts: seed common\/01_ref failed: /);
    expect(csv.message).toContain('fixtures/countries.csv:6: duplicate key (code)=(FR): line 2 has the same key');
    p.remove('fixtures/countries.csv');
    p.write({
      'fixtures/countries.json': '[\n  {"code": "FR", "name": "France"},\n  {"code": "DE", "name": "Germany"},\n  {"code": "XX", "name": "Germany"}\n]\n',
      'seeds/common/01_ref.ts': `export async function seed(ctx) {\n  await ctx.upsertFixture('countries', { table: 'ref_countries', key: 'name' });\n}\n`,
    });
    const json = await p.seed().catch((e) => e);
    expect(json.message).toContain('fixtures/countries.json:4: duplicate key (name)=(Germany): line 3 has the same key');
  });
});
