import { backupConfig, summaryConfig } from '../../src/config/props.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/backup/backup.js';
import { verifyAgainstManifest } from '../../src/backup/restore.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { Migrator, migratorConfig } from '../../src/migrate/migrator.js';
import { summarizeTables } from '../../src/seed/summary.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { ROOT } from '../helpers/cli.js';
import { NO_VECTOR_REASON, serverHasVector } from '../helpers/vector.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Rows for every table of the example schema, with what makes text forms differ: quotes, backslashes, newlines, NULLs, time zones. */
const EXAMPLE_ROWS = `
  insert into users (id, email, display_name, role, created_at, updated_at) values
    ('00000000-0000-4000-8000-000000000001', 'ada@example.com', 'Ada "the first" O''Neil', 'educator', '2026-02-03 04:05:06.789+01', '2026-12-31 23:59:59+00'),
    ('00000000-0000-4000-8000-000000000002', 'bob@example.com', null, 'student', '1999-01-02 00:00:00+00', '2026-01-13 12:00:00-08');
  insert into courses (id, code, name, description, semester, created_at, updated_at) values
    ('00000000-0000-4000-8000-0000000000c1', 'CS-101', 'Back\\slash, tabs	and
newlines', null, 'Fall 2026', '2026-03-04 05:06:07+00', '2026-03-04 05:06:07+00');
  insert into enrollments (user_id, course_id, enrolled_at) values
    ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-0000000000c1', '2026-09-01 08:00:00+02');
  insert into documents (id, course_id, title, file_path, content_type, uploaded_by, created_at, updated_at) values
    ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-0000000000c1', 'Ünïcödé 文書', 'a/b.pdf', 'application/pdf', '00000000-0000-4000-8000-000000000001', '2026-05-06 07:08:09.123456+00', '2026-05-06 07:08:09+00');
  insert into interactions (user_id, course_id, service_type, request_data, response_data, latency_ms, created_at) values
    ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-0000000000c1', 'chat', '{"q": "what\\"s a date?", "when": "03/02/2026"}', null, 42, '2026-02-03 10:00:00+00'),
    ('00000000-0000-4000-8000-000000000001', null, 'search', '{}', '{"hits": [1, 2.5, null, true]}', 0, '2026-02-04 11:00:00+05:30');
  insert into document_chunks (document_id, chunk_index, content, token_count, embedding, embedding_model, embedding_version, metadata, created_at)
    select '00000000-0000-4000-8000-0000000000d1', i, 'chunk ' || i, 10 + i,
      case when i = 2 then null else ('[' || array_to_string(array(select round(sin(i * 384 + k)::numeric, 6) from generate_series(1, 384) k), ',') || ']')::vector end,
      case when i = 2 then null else 'bge-small' end, case when i = 2 then null else 'v1.5' end,
      jsonb_build_object('page', i, 'ratio', i / 3.0), ('2026-07-0' || (i + 1) || ' 12:34:56+00')::timestamptz
    from generate_series(0, 3) i;`;

/** Beyond the example: the other types whose text form depends on a setting (dates, times, intervals, floats, bytea) or quoting (arrays, ranges). */
const MORE_TYPES = `
  create table more_types (
    id integer primary key, d date, ts timestamp, tstz timestamptz, t time, ttz timetz, iv interval, n numeric(12, 4), f8 float8, f4 real,
    b boolean, by bytea, txt text[], ints integer[], dates date[], stamps timestamptz[], j json, jb jsonb[], r tstzrange, ip inet, c char(3), big bigint, u uuid[]);
  insert into more_types values
    (1, '2026-02-03', '2026-02-03 04:05:06.5', '2026-02-03 04:05:06+01', '04:05:06.789', '04:05:06+02', '1 year 2 mons 3 days 04:05:06.7', 12345678.9012, 0.1, 1.1,
     true, '\\x00ff5c27', '{"a,b","c\\"d",null,"e\\\\f"}', '{1,null,-3}', '{2026-02-03,1999-12-31}', '{"2026-02-03 04:05:06+00","infinity"}',
     '{"k": [1, "two"]}', array['{"a": 1}'::jsonb, '[]'::jsonb], '[2026-01-01 00:00+00,2026-02-01 00:00+00)', '192.168.0.1/24', 'ab', 9007199254740993,
     '{00000000-0000-4000-8000-000000000001}'),
    (2, '0044-03-15 BC', '-infinity', 'infinity', '24:00:00', null, '-2 days +03:00:00', 'NaN', 'Infinity', -0.0, false, '\\x', '{}', '{}', null, null, null, null, 'empty', '::1', null, -1, null),
    (3, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);`;

describe.each(backends)('one content digest on $name: summary --digest and a backup manifest agree', (backend) => {
  it('for every column type of the example schema (and more), under a database whose DateStyle is SQL, DMY', async (ctx) => {
    if (backend.serverUrl && !(await serverHasVector(backend.serverUrl))) ctx.skip(NO_VECTOR_REASON);
    const test = await freshDatabase(backend);
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-digest-'));
    cleanups.push(() => fs.rmSync(cwd, { recursive: true, force: true }));
    const config = await resolveConfig({ cwd, url: test.url, environ: {}, migrationsDir: path.join(ROOT, 'migrations') });

    let database: Database | undefined = await openDatabase({ url: test.url, cwd });
    cleanups.push(() => database?.close());
    await new Migrator({ database, ...migratorConfig(config) }).up();
    await database.query(EXAMPLE_ROWS);
    await database.query(MORE_TYPES);
    const { rows: [{ name }] } = await database.query<{ name: string }>('select current_database() as name');
    await database.query(`alter database "${name}" set datestyle = 'SQL, DMY'`);
    // The setting applies to sessions that start afterwards: open the database again.
    await database.close();
    database = undefined;
    database = await openDatabase({ url: test.url, cwd });
    // PGlite starts its one session without the database's settings: set it on that session.
    if (backend.name === 'pglite') await database.query(`set datestyle = 'SQL, DMY'`);
    const { rows: [shown] } = await database.query<{ style: string; date: string }>(`select current_setting('datestyle') as style, date '2026-02-03'::text as date`);
    expect(shown).toEqual({ style: 'SQL, DMY', date: '03/02/2026' });

    const summary = await summarizeTables(database, summaryConfig(config), { digest: true });
    const { manifest } = await backupDatabase({ database, ...backupConfig(config), out: path.join(cwd, 'digest.dump') });

    const manifested = new Map(manifest.tables.map((t) => [`${t.schema}.${t.name}`, t]));
    const tables = ['users', 'courses', 'enrollments', 'documents', 'interactions', 'document_chunks', 'more_types'];
    expect(summary.map((t) => t.table).sort()).toEqual([...tables].sort());
    for (const t of summary) {
      expect(t.rows, t.table).toBeGreaterThan(0);
      expect({ table: t.table, rows: t.rows, digest: t.digest }).toEqual({ table: t.table, rows: manifested.get(`${t.schema}.${t.table}`)?.rows, digest: manifested.get(`${t.schema}.${t.table}`)?.hash });
    }
    // The digest is the one manifests have always recorded (so older backups still verify): md5 of
    // the count and the sums of the rows' md5 halves, here computed the first way, all in SQL. The
    // row is `(r.*)` since digest version 2: more_types has a column named r, which `r` alone meant
    // (its digest was that column's; restore checks old manifests' such tables that way).
    const { rows: original } = await database.session(async (client) => {
      await client.query(`begin; set local timezone = 'UTC'; set local datestyle = 'ISO, MDY'; set local intervalstyle = 'postgres'; set local extra_float_digits = 1; set local bytea_output = 'hex'`);
      try {
        return await client.query<{ table: string; digest: string }>(tables.map((t) => `
          select '${t}' as table, md5(count(*)::text || ':' || coalesce(sum(('x' || substr(m, 1, 16))::bit(64)::bigint), 0)::text || ':' || coalesce(sum(('x' || substr(m, 17, 16))::bit(64)::bigint), 0)::text) as digest
          from (select md5((r.*)::text) as m from public.${t} as r) h`).join(' union all '), []);
      } finally {
        await client.query('rollback');
      }
    });
    expect(Object.fromEntries(summary.map((t) => [t.table, t.digest]))).toEqual(Object.fromEntries(original.map((t) => [t.table, t.digest])));

    // Verification (what a restore runs) computes the same digests again: on one snapshot, and
    // table by table as a restore in sections does (on a server: rows read by COPY, hashed in Node).
    expect((await verifyAgainstManifest(database, manifest)).differences).toEqual([]);
    expect((await verifyAgainstManifest(database, manifest, { eachTable: true })).differences).toEqual([]);

    // Every column type of the example's tables holds a value in a row that was hashed.
    const { rows: types } = await database.query<{ type: string }>(`
      select distinct regexp_replace(format_type(a.atttypid, a.atttypmod), '^public[.]', '') as type
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped and c.relname = any($1::text[])
      order by 1`, [tables.filter((t) => t !== 'more_types')]);
    expect(types.map((t) => t.type)).toEqual(['integer', 'jsonb', 'text', 'timestamp with time zone', 'uuid', 'vector(384)']);
  });
});
