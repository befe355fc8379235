import { describe, expect, it } from 'vitest';
import { tableContents } from '../../src/catalog/contents.js';
import { databaseContents } from '../../src/catalog/parallel-contents.js';
import { listTables } from '../../src/catalog/tables.js';
import { openDatabase } from '../../src/driver/database.js';
import { createTestDatabase } from '../../src/testing.js';

const server = process.env.TEST_DATABASE_URL;

describe.skipIf(!server)('the content digest computed in parallel on a server', () => {
  it('gives the very counts and hashes of the one-session hash: block ranges, empty tables, odd names', async () => {
    const testDb = await createTestDatabase({ serverUrl: server });
    const database = await openDatabase({ url: testDb.url });
    try {
      await database.query(`
        create schema "Odd ""Schema""";
        create table "Odd ""Schema""".big (id bigint primary key, n bigint, t text, j jsonb, ts timestamptz, b bytea);
        insert into "Odd ""Schema""".big select g, (g * 7919) % 100003 - 50000, repeat(md5(g::text), 3), jsonb_build_object('g', g), timestamptz '2026-01-01' + g * interval '1 second', decode(md5(g::text), 'hex')
          from generate_series(1, 30000) g;
        delete from "Odd ""Schema""".big where id % 97 = 0;
        create table empty (id int);
        create table small (v numeric, d date); insert into small values (1.50, '2026-02-03'), (null, null);`);
      const { rows } = await database.query<{ blocks: number }>(`select pg_relation_size('"Odd ""Schema""".big') / 8192 as blocks`);
      expect(Number(rows[0].blocks)).toBeGreaterThan(256); // cut into several block ranges
      const one = await database.session(async (client) => {
        await client.query('begin');
        try {
          return await tableContents(client, await listTables(client, 'user', { partitions: 'leaves' }));
        } finally {
          await client.query('rollback');
        }
      });
      for (const sessions of [4, 2, 1]) {
        expect(await databaseContents(database, { content: true, sessions })).toEqual(one);
      }
      expect(one.find((t) => t.table === 'big')!.rows).toBe(30000 - Math.floor(30000 / 97));
      expect(one.find((t) => t.table === 'empty')).toMatchObject({ rows: 0 });
    } finally {
      await database.close();
      await testDb.drop();
    }
  });
});
