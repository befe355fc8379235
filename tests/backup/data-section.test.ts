import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataScript, type LoadedDigest } from '../../src/backup/data-script.js';
import { restoreDataSection } from '../../src/backup/data-section.js';
import { copyContentsAsLoaded, copyContentsEach, tableKey } from '../../src/backup/copy-contents.js';
import { openDatabase } from '../../src/driver/database.js';
import { until } from '../helpers/poll.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { execSql } from './helpers.js';

/**
 * A fresh restore's data section is loaded by dbctl (src/backup/data-section.ts): pg_restore
 * prints it, and each plain table is emptied and loaded with COPY FREEZE in one transaction. What
 * it loads must be what pg_restore would have loaded, however the printed script is cut.
 */
const SCHEMA = `
create schema "My Schema";
create table "My Schema"."Odd Name" (id int primary key, body text, n numeric, at timestamptz, bytes bytea, doc jsonb);
insert into "My Schema"."Odd Name" values
  (1, E'back\\\\slash', 1.5, '2026-01-01 00:00+00', '\\x00ff', '{"a": [1, "\\\\."]}'),
  (2, E'\\\\.', null, null, null, null),
  (3, E'ends with a backslash\\\\', 0, null, '\\x5c2e0a', '"\\\\.\\n"'),
  (4, E'line\\nbreak\\tand tab\\r', -1, null, '', '[]'),
  (5, '', null, null, null, null),
  (6, 'ünïcødé 🐘', 2, null, null, null),
  (7, null, null, null, null, null);
create table empty_one (id int);
create table counted (id bigint generated always as identity primary key, half int generated always as (id::int / 2) stored, label text);
insert into counted (label) select 'label ' || g || repeat('x', g % 50) from generate_series(1, 1500) g;
create table part (id int, at date, note text) partition by range (at);
create table part_a partition of part for values from ('2026-01-01') to ('2026-07-01');
create table part_b partition of part for values from ('2026-07-01') to ('2027-01-01');
insert into part select g, date '2026-01-01' + (g % 360), E'n\\\\' || g from generate_series(1, 400) g;
create table parent (id int, kind text);
create table kid (extra int) inherits (parent);
insert into parent values (1, 'parent');
insert into kid values (2, 'kid', 7);
create table cash (id int, amount money);
insert into cash values (1, 12.5), (2, null);
select lo_from_bytea(0, convert_to(repeat('large object ', 500), 'UTF8'));`;

/** Every table's rows, in a comparable form (and the sequence and the large object). */
const CONTENTS = `
select 'odd ' || string_agg(t::text, '|' order by id) as v from "My Schema"."Odd Name" t
union all select 'empty ' || count(*) from empty_one
union all select 'counted ' || count(*) || ' ' || md5(string_agg(t::text, '|' order by id)) from counted t
union all select 'part ' || string_agg(p::text || tableoid::regclass::text, '|' order by id) from part p
union all select 'parent ' || string_agg(p::text || tableoid::regclass::text, '|' order by id) from parent p
union all select 'cash ' || string_agg(c::text, '|' order by id) from cash c
union all select 'seq ' || last_value from counted_id_seq
union all select 'lo ' || md5(lo_get(oid)) from pg_largeobject_metadata`;

const native = backends.find((b) => b.name === 'pg');
describe.runIf(native)('the data section dbctl loads (server; skipped without TEST_DATABASE_URL)', () => {
  const backend = native!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-data-section-'));
  const dump = path.join(dir, 'src.dump');
  const tool = { name: 'pg_restore' as const, bin: process.env.PG_RESTORE ?? 'pg_restore' };
  let expected: unknown[];
  let source: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    // The source outlives each test's databases: made here, dropped in afterAll.
    const { createTestDatabase } = await import('../../src/testing.js');
    source = await createTestDatabase({ serverUrl: backend.serverUrl });
    await execSql(source.url, SCHEMA);
    expected = await execSql(source.url, CONTENTS);
    execFileSync('pg_dump', ['--format', 'custom', '--no-owner', '--file', dump, '--dbname', source.url]);
  });
  afterAll(async () => {
    await source?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The tables hashed as they load, by what data-section.ts reads of the catalog. */
  const HASHED = ['My Schema.Odd Name', 'public.empty_one', 'public.kid', 'public.part_a', 'public.part_b'];

  /** Each hashed table's digest is the one a read-back gives (copyContentsEach), for every row the server stored. */
  async function expectReadBack(url: string, digests: Map<string, LoadedDigest | undefined>): Promise<void> {
    const database = await openDatabase({ url });
    try {
      const hashed = [...digests].filter(([, d]) => d);
      expect(hashed.length).toBe(HASHED.length);
      const refs = hashed.map(([t]) => ({ schema: t.slice(0, t.indexOf('.')), table: t.slice(t.indexOf('.') + 1) }));
      const read = await copyContentsEach(database, refs, { sessions: 2 });
      for (const [i, [table, digest]] of hashed.entries()) {
        expect({ table, rows: digest!.rows, stored: digest!.stored, digest: digest!.digest }).toEqual({ table, rows: read[i].rows, stored: read[i].rows, digest: read[i].digest });
      }
    } finally {
      await database.close();
    }
  }

  /** A new database holding the dump's pre-data section (its tables, empty). */
  async function preData(): Promise<string> {
    const db = await freshDatabase(backend);
    execFileSync('pg_restore', ['--no-owner', '--section=pre-data', '--single-transaction', '--dbname', db.url, dump]);
    return db.url;
  }

  it('loads every table, sequence and large object as pg_restore does, plain tables frozen, and hashes the rows a read-back prints', async () => {
    const url = await preData();
    const loaded: string[] = [];
    const digests = new Map<string, LoadedDigest | undefined>();
    await restoreDataSection({
      tool,
      file: dump,
      url,
      onTable: (table) => loaded.push(`${table.schema}.${table.table}`),
      onLoaded: (table, digest) => digests.set(`${table.schema}.${table.table}`, digest),
    });
    expect(await execSql(url, CONTENTS)).toEqual(expected);
    expect(loaded.sort()).toEqual(['My Schema.Odd Name', 'public.cash', 'public.counted', 'public.empty_one', 'public.kid', 'public.parent', 'public.part_a', 'public.part_b']);
    // Hashed on the way in: not a table with a generated column (its COPY leaves it out), an
    // inheritance parent (its digest includes its children's rows), or a money column (lc_monetary).
    expect([...digests].filter(([, d]) => d).map(([t]) => t).sort()).toEqual(HASHED);
    await expectReadBack(url, digests);
    // Frozen: every page all-frozen, so no reader rewrites it to set hint bits.
    await execSql(url, 'create extension if not exists pg_visibility');
    const [{ frozen, pages }] = await execSql(url, `select all_frozen as frozen, pg_relation_size('counted') / current_setting('block_size')::int as pages from pg_visibility_map_summary('counted')`);
    expect(Number(frozen)).toBeGreaterThan(0);
    expect(Number(frozen)).toBe(Number(pages));
  });

  it('loads the same rows however the printed script is cut (every cut through a row end and a `\\.` line)', async () => {
    const url = await preData();
    const script = execFileSync('pg_restore', ['--section=data', '--file', '-', dump], { maxBuffer: 64 << 20 });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const size of [1, 2, 3, 5, 64, 4093]) {
        // Loading again is loading into emptied tables: each plain table is truncated first, and the
        // one that is not (none here) would double. Sequences and large objects: set again, the same.
        const digests = new Map<string, LoadedDigest | undefined>();
        await loadDataScript(client, cut(script, size), {
          freezable: () => true,
          hashed: (table) => HASHED.includes(`${table.schema}.${table.name}`),
          onLoaded: (table, digest) => digests.set(`${table.schema}.${table.name}`, digest),
        });
        expect(await execSql(url, CONTENTS), `cut every ${size} bytes`).toEqual(expected);
        await expectReadBack(url, digests);
      }
    } finally {
      await client.end();
    }
  });

  it('a dump made with --load-via-partition-root loads its partitions through their parent, not truncating it per partition', async () => {
    const viaRoot = path.join(dir, 'via-root.dump');
    execFileSync('pg_dump', ['--format', 'custom', '--no-owner', '--load-via-partition-root', '--file', viaRoot, '--dbname', source.url]);
    const db = await freshDatabase(backend);
    execFileSync('pg_restore', ['--no-owner', '--section=pre-data', '--single-transaction', '--dbname', db.url, viaRoot]);
    await restoreDataSection({ tool, file: viaRoot, url: db.url });
    expect(await execSql(db.url, CONTENTS)).toEqual(expected);
  });

  it('a row the target refuses fails the load, naming the table, and stops pg_restore', async () => {
    const url = await preData();
    await execSql(url, `alter table "My Schema"."Odd Name" add constraint no_empty check (body <> '')`);
    const error = await restoreDataSection({ tool, file: dump, url }).catch((e) => e);
    expect(error).toMatchObject({ code: 'restore_failed' });
    expect(error.message).toMatch(/^restore failed loading My Schema\.Odd Name: .*no_empty/);
    // Nothing of that table's transaction stays: it rolled back.
    expect(await execSql(url, `select count(*)::int as n from "My Schema"."Odd Name"`)).toEqual([{ n: 0 }]);
  });

  it('a cut dump fails with pg_restore\'s own error, not a loader error', async () => {
    const url = await preData();
    const cutDump = path.join(dir, 'cut.dump');
    const bytes = fs.readFileSync(dump);
    fs.writeFileSync(cutDump, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const error = await restoreDataSection({ tool, file: cutDump, url }).catch((e) => e);
    expect(error).toMatchObject({ code: 'pg_restore_failed' });
    expect(error.message).toMatch(/^pg_restore failed: /);
  });

  it('an abort stops it at once and leaves no session on the database', async () => {
    const url = await preData();
    const controller = new AbortController();
    const reason = new Error('stopped by the test');
    const running = restoreDataSection({ tool, file: dump, url, signal: controller.signal, onTable: () => controller.abort(reason) });
    await expect(running).rejects.toBe(reason);
    const name = new URL(url).pathname.slice(1);
    // A session left behind would hold up DROP DATABASE; none is, so it could be dropped now.
    const left = await execSql(backend.serverUrl!, `select count(*)::int as n from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid() and state is not null`);
    expect(left).toEqual([{ n: 0 }]);
  });
});

describe.runIf(native)('verification as tables load (server; skipped without TEST_DATABASE_URL)', () => {
  it('hashes each table added as copyContentsEach does, leaves out inheritance parents, and takes none after stop', async () => {
    const db = await freshDatabase(native!);
    await execSql(db.url, `
      create table a (id int, body text); insert into a select g, E'row\\\\' || g from generate_series(1, 300) g;
      create table b (id int); insert into b select generate_series(1, 50);
      create table parent (id int); create table kid () inherits (parent); insert into kid values (1);
      create table late (id int); insert into late values (1);`);
    const database = await openDatabase({ url: db.url });
    try {
      const ref = (table: string) => ({ schema: 'public', table });
      let hashedSoFar = 0;
      const early = copyContentsAsLoaded(database, { onTable: () => hashedSoFar++ });
      for (const table of ['a', 'b', 'parent', 'kid']) early.add(ref(table));
      // Read with the rest at the end: the parent (its rows include the kid's), and what comes after stop.
      const all = await copyContentsEach(database, ['a', 'b', 'kid'].map(ref), { sessions: 1 });
      await until(() => hashedSoFar === 3, 'the three tables were hashed');
      early.stop();
      early.add(ref('late'));
      const hashed = await early.finish();
      expect([...hashed.keys()].sort()).toEqual(['a', 'b', 'kid'].map((t) => tableKey(ref(t))));
      for (const table of all) expect(hashed.get(tableKey(table))).toEqual(table);

      // A failed restore cancels it: its session ends at once, so the database can be dropped.
      const failed = copyContentsAsLoaded(database);
      failed.add(ref('a'));
      const name = new URL(db.url).pathname.slice(1);
      const verifying = async () => (await execSql(native!.serverUrl!, `select count(*)::int as n from pg_stat_activity where datname = '${name}' and application_name = 'dbctl verify'`))[0].n;
      await until(async () => (await verifying()) > 0, 'its session was open');
      failed.cancel();
      await until(async () => (await verifying()) === 0, 'its session was gone');
    } finally {
      await database.close();
    }
  });
});

async function* cut(data: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}
