import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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
      // Into a database made for it, without --jobs, dbctl loads the data: every table here is hashed as it loads.
      expect(made.json()).toMatchObject({ ok: true, differences: [], tables: 6, rows: 506, hashedAsLoaded: restoreArgs.length ? 0 : 6, method: 'pg_restore', rowsLoadedBy: restoreArgs.length ? 'pg_restore' : 'dbctl' });
      const url = new URL(backend.serverUrl!);
      url.pathname = `/${name}`;
      expect(await execSql(url.toString(), OBJECTS)).toEqual(expected);
      // Every key, index, comment and identity is the source's, as pg_dump prints them.
      expect(schemaOf(url.toString())).toBe(schemaOf(src.url));
      if (!restoreArgs.length) {
        // What the line says is what ran: pg_restore made the schema, indexes and keys, dbctl loaded the rows.
        const human = await p.run(['--url', backend.serverUrl!, 'restore', file, '--create', `${name}_h`]);
        expect(human.code, human.stderr).toBe(0);
        expect(human.stdout).toContain(`/${name}_h with pg_restore (schema, indexes, keys) and dbctl's loader (the rows)`);
        // --read-back: every table read back from the restored database instead.
        const reread = await p.run(['--url', backend.serverUrl!, 'restore', file, '--create', `${name}_2`, '--read-back', '--json']);
        expect(reread.code, reread.stderr).toBe(0);
        expect(reread.json()).toMatchObject({ ok: true, differences: [], tables: 6, hashedAsLoaded: 0 });
      }
    } finally {
      await execSql(backend.serverUrl!, `drop database if exists "${name}" with (force)`);
      await execSql(backend.serverUrl!, `drop database if exists "${name}_2" with (force)`);
      await execSql(backend.serverUrl!, `drop database if exists "${name}_h" with (force)`);
    }

    const dst = await freshDatabase(backend);
    const into = await p.run(['restore', file, '--into', dst.url, '--jobs', '2', '--json']);
    expect(into.code, into.stderr).toBe(0);
    expect(into.json()).toMatchObject({ ok: true, differences: [] });
    expect(await execSql(dst.url, OBJECTS)).toEqual(expected);
    expect(schemaOf(dst.url)).toBe(schemaOf(src.url));
  });

  it('restore --create: a table whose dumped rows are not as the server prints them (an older dump, in another time zone) is read back, and verifies', async () => {
    const src = await freshDatabase(backend);
    await execSql(src.url, `create table events (id int primary key, at timestamptz); insert into events select g, timestamptz '2026-03-01 12:00+00' + g * interval '1 hour' from generate_series(1, 50) g;
      create table plain (id int primary key, label text); insert into plain select g, 'l' || g from generate_series(1, 50) g;`);
    const p = project();
    const { file } = ok(await p.run(['--url', src.url, 'backup', '--json']));
    // The dump as a dbctl from before canonical custom dumps wrote it: timestamps in the server's
    // session time zone. Its manifest (hashed by the server, in UTC) still describes the same rows.
    const dump = path.join(p.cwd, file);
    execFileSync('pg_dump', ['--format', 'custom', '--file', dump, '--dbname', src.url], { env: { ...process.env, PGTZ: 'America/New_York' } });
    const manifestFile = `${dump}.manifest.json`;
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    manifest.sha256 = createHash('sha256').update(fs.readFileSync(dump)).digest('hex');
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const name = `${src.name}_tz`;
    try {
      const made = await p.run(['--url', backend.serverUrl!, 'restore', file, '--create', name, '--json']);
      expect(made.code, made.stderr).toBe(0);
      expect(made.json()).toMatchObject({ ok: true, differences: [], tables: 2, hashedAsLoaded: 1 });
    } finally {
      await execSql(backend.serverUrl!, `drop database if exists "${name}" with (force)`);
    }
  });
});
