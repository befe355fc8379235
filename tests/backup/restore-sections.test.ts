import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainTables, planKeyIndexes, runKeyStatements } from '../../src/backup/key-indexes.js';
import { postDataLists } from '../../src/backup/toc.js';
import { openDatabase } from '../../src/driver/database.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { execSql, ok, project } from './helpers.js';

/**
 * A restore in sections (`--create`, `--jobs`) runs post-data as two lists: key constraints,
 * triggers, rules, policies first, then index builds, index attachments and foreign keys beside the
 * verification (src/backup/toc.ts postDataLists). Whatever depends on what, every post-data object
 * of the source is there afterwards, and the tables verify (by COPY, hashed in Node).
 */
const SCHEMA = `
create table part (id int, at date, body text, primary key (id, at)) partition by range (at);
create table part_a partition of part for values from ('2026-01-01') to ('2026-07-01');
create table part_b partition of part for values from ('2026-07-01') to ('2027-01-01');
create index on part (body);
insert into part select g, date '2026-01-01' + (g % 360), 'body ' || g from generate_series(1, 400) g;
create table child (id int primary key, part_id int, part_at date, code text unique, foreign key (part_id, part_at) references part);
insert into child select g, g, date '2026-01-01' + (g % 360), 'c' || g from generate_series(1, 100) g;
create function touch() returns trigger language plpgsql as $$ begin new.code := coalesce(new.code, 'x'); return new; end $$;
create trigger child_touch before insert on child for each row execute function touch();
create rule child_keep as on delete to child where old.id = 0 do instead nothing;
alter table child enable row level security;
create policy child_all on child using (true);
create materialized view part_count as select at, count(*) as n from part group by at;
create unique index on part_count (at);
alter table child cluster on child_pkey;
create table keyed (a int not null, b int, c text, d int, e int, primary key (a) include (c), unique nulls not distinct (b), unique (d) deferrable, constraint keyed_e_ff unique (e) with (fillfactor = 70));
insert into keyed values (1, 1, 'one', 1, 1), (2, null, 'two', 2, 2), (3, 3, null, null, null);
comment on constraint keyed_pkey on keyed is 'the key';
create table ident (id int primary key);
alter table ident replica identity using index ident_pkey;
insert into ident values (1);
create table refs (a int references keyed (a), b int references keyed (b));
insert into refs values (1, 1), (2, null);`;

/** Every post-data object, by name: indexes (attached ones too), constraints, triggers, rules, policies, matview rows. */
const OBJECTS = `
select 'index ' || c.relname || coalesce(' of ' || p.relname, '') as o from pg_class c join pg_namespace n on n.oid = c.relnamespace
  left join pg_inherits i on i.inhrelid = c.oid left join pg_class p on p.oid = i.inhparent
  where n.nspname = 'public' and c.relkind in ('i', 'I')
union all select 'constraint ' || conname || ' ' || contype::text from pg_constraint where connamespace = 'public'::regnamespace
union all select 'trigger ' || tgname from pg_trigger where not tgisinternal
union all select 'rule ' || rulename from pg_rules where schemaname = 'public'
union all select 'policy ' || policyname from pg_policies
union all select 'clustered ' || indexrelid::regclass::text from pg_index where indisclustered
union all select 'replica identity ' || indexrelid::regclass::text from pg_index where indisreplident
union all select 'comment ' || obj_description(oid, 'pg_constraint') from pg_constraint where obj_description(oid, 'pg_constraint') is not null
union all select 'matview rows ' || count(*) from part_count
order by 1`;

/** The schema as pg_dump prints it, without what differs between any two runs (the `\restrict` key). */
function schemaOf(url: string): string {
  return execFileSync('pg_dump', ['--schema-only', '--no-owner', '--dbname', url], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => !/^\\(un)?restrict /.test(line))
    .join('\n');
}

// Without a server the suite is skipped, not absent: `describe.each([])` is "No test suite found", a failed file.
const native = backends.find((b) => b.name === 'pg');
describe.runIf(native)('a restore in sections restores every post-data object (server; skipped without TEST_DATABASE_URL)', () => {
  const backend = native!;
  it.each([
    ['custom', ['--format', 'custom'], []],
    ['directory, --jobs 2', ['--jobs', '2'], ['--jobs', '2']],
  ])('%s: restore --create and restore --into --jobs 2', async (_, backupArgs, restoreArgs) => {
    const src = await freshDatabase(backend);
    await execSql(src.url, SCHEMA);
    const expected = await execSql(src.url, OBJECTS);
    expect(expected.length).toBeGreaterThan(10);
    const p = project();
    const { file } = ok(await p.run(['--url', src.url, 'backup', ...backupArgs, '--json']));

    const name = `${src.name}_sections`;
    try {
      const made = await p.run(['--url', backend.serverUrl!, 'restore', file, '--create', name, ...restoreArgs, '--json']);
      expect(made.code, made.stderr).toBe(0);
      expect(made.json()).toMatchObject({ ok: true, differences: [], tables: 6, rows: 506 });
      const url = new URL(backend.serverUrl!);
      url.pathname = `/${name}`;
      expect(await execSql(url.toString(), OBJECTS)).toEqual(expected);
      // Keys built as unique indexes and made constraints after the verification (key-indexes.ts) are the source's.
      expect(schemaOf(url.toString())).toBe(schemaOf(src.url));
    } finally {
      await execSql(backend.serverUrl!, `drop database if exists "${name}" with (force)`);
    }

    const dst = await freshDatabase(backend);
    const into = await p.run(['restore', file, '--into', dst.url, '--jobs', '2', '--json']);
    expect(into.code, into.stderr).toBe(0);
    expect(into.json()).toMatchObject({ ok: true, differences: [] });
    expect(await execSql(dst.url, OBJECTS)).toEqual(expected);
    expect(schemaOf(dst.url)).toBe(schemaOf(src.url));
  });
});

describe.runIf(native)('keys built as unique indexes in a fresh restore (server; skipped without TEST_DATABASE_URL)', () => {
  const backend = native!;
  const tool = { name: 'pg_restore' as const, bin: process.env.PG_RESTORE ?? 'pg_restore' };

  it('takes plain PRIMARY KEY / UNIQUE constraints of plain tables, and leaves every other one where it was', async () => {
    const src = await freshDatabase(backend);
    await execSql(src.url, SCHEMA);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-keys-'));
    try {
      const dump = path.join(dir, 'src.dump');
      execFileSync('pg_dump', ['--format', 'custom', '--no-owner', '--file', dump, '--dbname', src.url]);
      const dst = await freshDatabase(backend);
      execFileSync('pg_restore', ['--no-owner', '--section=pre-data', '--single-transaction', '--dbname', dst.url, dump]);
      const database = await openDatabase({ url: dst.url });
      const { first } = await postDataLists(tool, dump);
      const plan = await planKeyIndexes(tool, dump, first, await plainTables(database), dir).finally(() => database.close());
      // keyed's deferrable and fillfactor keys, child's (CLUSTER ON), ident's (REPLICA IDENTITY), the partitioned part's: as before.
      expect(plan.builds.map((b) => b.name).sort()).toEqual(['public.keyed.keyed_b_key', 'public.keyed.keyed_pkey']);
      expect(plan.builds.find((b) => b.name.endsWith('keyed_pkey'))?.sql).toBe('CREATE UNIQUE INDEX "keyed_pkey" ON "public"."keyed" USING btree ("a") INCLUDE ("c")');
      expect(plan.builds.find((b) => b.name.endsWith('keyed_b_key'))?.sql).toBe('CREATE UNIQUE INDEX "keyed_b_key" ON "public"."keyed" USING btree ("b") NULLS NOT DISTINCT');
      expect(plan.attach.map((a) => a.sql).sort()).toEqual([
        'ALTER TABLE ONLY "public"."keyed" ADD CONSTRAINT "keyed_b_key" UNIQUE USING INDEX "keyed_b_key"',
        'ALTER TABLE ONLY "public"."keyed" ADD CONSTRAINT "keyed_pkey" PRIMARY KEY USING INDEX "keyed_pkey"',
      ]);
      for (const kept of ['keyed_d_key', 'keyed_e_ff', 'child_pkey', 'child_code_key', 'ident_pkey', 'part_pkey', 'part_a_pkey', 'TRIGGER', 'RULE', 'POLICY']) expect(plan.first).toContain(kept);
      expect(plan.first).not.toMatch(/CONSTRAINT public keyed (keyed_pkey|keyed_b_key) /);
      // A comment on a key needs its constraint: comments go last.
      expect(plan.first).not.toContain('COMMENT');
      expect(plan.last).toMatch(/COMMENT public CONSTRAINT keyed_pkey/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a key that does not hold fails the restore naming it (restore_failed)', async () => {
    const db = await freshDatabase(backend);
    await execSql(db.url, 'create table t (a int not null); insert into t values (1), (1);');
    const failed = await runKeyStatements(db.url, [{ name: 'public.t.t_pkey', sql: 'CREATE UNIQUE INDEX t_pkey ON public.t USING btree (a)' }]).catch((e) => e);
    expect(failed).toMatchObject({ code: 'restore_failed' });
    expect(failed.message).toMatch(/^restore failed building public\.t\.t_pkey: could not create unique index "t_pkey"/);
  });
});
