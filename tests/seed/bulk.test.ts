import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { bulkInsert, bulkUpsert } from '../../src/seed/index.js';
import { backends } from '../helpers/backends.js';
import { closeAll, PROJECT, seedProject } from './helpers.js';

afterEach(closeAll);

describe.each(backends)('bulk helper on $name', (backend) => {
  it('streams a generator in batches outside any transaction, then upserts by key', async () => {
    const p = await seedProject(backend, {});
    const target = p.database; // a Database, as docs/seeds.md shows
    const progress: number[] = [];
    function* countries(n: number, suffix = '') {
      for (let i = 0; i < n; i++) yield { code: `C${i}`, name: `Country ${i}${suffix}`, population: i };
    }
    const inserted = await bulkInsert(target, 'ref_countries', countries(12_345), { batchSize: 1000, onProgress: (n) => progress.push(n) });
    expect(inserted).toMatchObject({ table: 'ref_countries', rows: 12_345, inserted: 12_345, updated: 0 });
    expect(progress).toHaveLength(13);
    expect(progress.at(-1)).toBe(12_345);

    // Half the rows change: only those are updated; new rows are inserted; unchanged rows untouched.
    async function* changed() {
      for (let i = 0; i < 12_445; i++) yield { code: `C${i}`, name: i % 2 ? `Country ${i} (renamed)` : `Country ${i}`, population: i };
    }
    const upserted = await bulkUpsert(target, 'ref_countries', changed(), { batchSize: 4000 });
    expect(upserted).toMatchObject({ rows: 12_445, inserted: 100, updated: 6_172 });
    const ignored = await bulkUpsert(target, 'ref_countries', countries(10, ' again'), { update: false });
    expect(ignored).toMatchObject({ rows: 10, inserted: 0, updated: 0 });
    const { rows } = await sql<{ n: string }>`select count(*) as n from ref_countries where name like '%(renamed)'`.execute(await p.database.kysely());
    expect(Number(rows[0].n)).toBe(6_222); // 6,172 updated + 50 of the new rows
  });

  it('names the table and column at fault', async () => {
    const p = await seedProject(backend, {}, 'create table nokey (a int, b text); create table t (id int primary key, v text); create schema s; create table s."Odd ""T""" ("Id" int primary key, v text);');
    // Names as created, no SQL quoting: capitals and quotes work, schema-qualified or on the search_path.
    expect(await bulkUpsert(p.database, 's.Odd "T"', [{ Id: 1, v: 'x' }])).toMatchObject({ inserted: 1 });
    expect(await bulkUpsert(p.database, 'public.t', [{ id: 1, v: 'x' }])).toMatchObject({ inserted: 1 });
    await expect(bulkInsert(p.database, 'missing', [{ a: 1 }])).rejects.toThrow('table "missing" does not exist');
    await expect(bulkInsert(p.database, 't', [{ id: 1, value: 'x' }])).rejects.toThrow('table "t" has no column "value"');
    await expect(bulkUpsert(p.database, 'nokey', [{ a: 1 }])).rejects.toThrow(/upsert into "nokey": the table has no primary key/);
    await expect(bulkUpsert(p.database, 't', [{ v: 'x' }])).rejects.toThrow('upsert into "t": the rows lack the key column "id"');
    expect(await bulkUpsert(p.database, 't', [])).toMatchObject({ rows: 0, inserted: 0 });
  });
});

describe.runIf(backends.length > 1)('seeds across backends', () => {
  it('writes byte-identical data on PGlite and on the server', async () => {
    const [lite, server] = await Promise.all(backends.map((b) => seedProject(b, PROJECT)));
    await lite.seed();
    await server.seed();
    expect(await server.digests()).toEqual(await lite.digests());
  });
});
