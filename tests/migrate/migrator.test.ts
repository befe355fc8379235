import { Migrator as KyselyMigrator, type Migration } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { MigrationFailedError } from '../../src/migrate/migrator.js';
import { openDatabase } from '../../src/driver/database.js';
import { RUN_LOCK_KEY } from '../../src/migrate/lock.js';
import { backends } from '../helpers/backends.js';
import { writeFiles } from '../helpers/cli.js';
import { createTable, migrationProject, sqlMigration, tsMigration } from './helpers.js';

const names = (rows: { name: string }[]) => rows.map((r) => r.name);

describe.each(backends)('migration engine on $name', (backend) => {
  it('applies SQL and TS migrations, each in its own transaction, and records checksum, batch and duration', async () => {
    const p = await migrationProject(backend, {
      '001_a.sql': createTable('a'),
      '002_b.ts': tsMigration(`await db.schema.createTable('b').addColumn('id', 'integer').execute();`, `await db.schema.dropTable('b').execute();`),
    });
    const report = await p.migrator.up();
    expect(report.results.map((r) => [r.name, r.status])).toEqual([['001_a', 'success'], ['002_b', 'success']]);
    expect(report.batch).toBe(1);
    const history = await p.query(`select name, checksum, batch, duration_ms, applied_by, dbctl_version from public.dbctl_migration order by name`);
    expect(history).toHaveLength(2);
    expect(history[0].checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(history.every((h) => h.batch === 1 && h.applied_by.includes('@') && h.dbctl_version)).toBe(true);
    expect(names(await p.query(`select name from public.kysely_migration order by name`))).toEqual(['001_a', '002_b']);
    const status = await p.migrator.status();
    expect(status.summary).toMatchObject({ total: 2, applied: 2, pending: 0 });
    expect((await p.migrator.up()).results).toEqual([]);
  });

  it('on failure at k keeps 1..k-1 applied, reports k with file, line:column and SQLSTATE, and runs nothing after', async () => {
    const p = await migrationProject(backend, {
      '001_a.sql': createTable('a'),
      '002_b.sql': createTable('b'),
      '003_bad.sql': '-- migrate:up\r\ncreate table c (id int);\r\n-- ünïcödé 😀\r\nselect nope from c;\r\n',
      '004_d.sql': createTable('d'),
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect(error.exitCode).toBe(ExitCode.failed);
    expect(error.failure).toMatchObject({ name: '003_bad', sqlstate: '42703', line: 4, col: 8 });
    expect(error.failureReport).toContain('migrations/003_bad.sql:4:8');
    expect(error.report.results.map((r: any) => r.status)).toEqual(['success', 'success', 'failed', 'not-run']);
    const status = await p.migrator.status();
    expect(status.migrations.map((m) => m.state)).toEqual(['applied', 'applied', 'pending', 'pending']);
    // The failed migration's table is rolled back with it.
    expect(await p.query(`select to_regclass('public.c') as t`)).toEqual([{ t: null }]);
  });

  it('reports the stack frame inside a failing TS migration', async () => {
    const p = await migrationProject(backend, {
      '001_bad.ts': tsMigration(`await db.schema.createTable('t').addColumn('id', 'integer').execute();\n  await sql\`select * from missing_table\`.execute(db);`),
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.failure).toMatchObject({ name: '001_bad', sqlstate: '42P01', line: 4 });
    expect(await p.query(`select to_regclass('public.t') as t`)).toEqual([{ t: null }]);
  });

  it('--single-transaction applies all or nothing', async () => {
    const p = await migrationProject(backend, { '001_a.sql': createTable('a'), '002_bad.sql': sqlMigration('select 1/0;') });
    const error = await p.migrator.up({ singleTransaction: true }).catch((e) => e);
    expect(error.report.results.map((r: any) => r.status)).toEqual(['not-run', 'failed']);
    expect((await p.migrator.status()).summary.applied).toBe(0);
  });

  it('--step and --to limit what up applies', async () => {
    const p = await migrationProject(backend, { '001_a.sql': createTable('a'), '002_b.sql': createTable('b'), '003_c.sql': createTable('c') });
    expect(names((await p.migrator.up({ step: 1 })).results)).toEqual(['001_a']);
    expect(names((await p.migrator.up({ to: '002_b' })).results)).toEqual(['002_b']);
    await expect(p.migrator.up({ to: 'nope' })).rejects.toThrow(/--to: no migration named "nope"/);
  });

  it('refuses drift (changed or missing applied files) without applying anything, unless allowed', async () => {
    const p = await migrationProject(backend, { '001_a.sql': createTable('a'), '002_b.sql': createTable('b') });
    await p.migrator.up();
    p.write({ '001_a.sql': createTable('a') + '-- edited\n', '003_c.sql': createTable('c') });
    p.remove('002_b.sql');
    const error = await p.migrator.up().catch((e) => e);
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(error.message).toMatch(/001_a \(changed since it was applied\), 002_b \(file missing\)/);
    expect((await p.migrator.status()).migrations.map((m) => m.state)).toEqual(['modified', 'missing', 'pending']);
    await expect(p.migrator.verify()).rejects.toMatchObject({ exitCode: ExitCode.check });
    expect(names((await p.migrator.up({ allowDrift: true })).results)).toEqual(['003_c']);
  });

  it('refuses a new file that sorts before an applied one, unless allowed', async () => {
    const p = await migrationProject(backend, { '002_b.sql': createTable('b') });
    await p.migrator.up();
    p.write({ '001_a.sql': createTable('a') });
    await expect(p.migrator.up()).rejects.toMatchObject({ exitCode: ExitCode.refused, code: 'unordered' });
    expect((await p.migrator.status()).migrations[0]).toMatchObject({ name: '001_a', state: 'pending', unordered: true });
    expect(names((await p.migrator.up({ allowUnordered: true })).results)).toEqual(['001_a']);
  });

  it('down: one step by default, --step, --to, --batch, --all; refuses a migration without down before changing anything', async () => {
    const p = await migrationProject(backend, { '001_a.sql': createTable('a'), '002_b.sql': createTable('b') });
    await p.migrator.up();
    p.write({ '003_c.sql': createTable('c'), '004_d.sql': createTable('d') });
    await p.migrator.up();
    expect(names((await p.migrator.down()).results)).toEqual(['004_d']);
    expect(names((await p.migrator.down({ batch: true })).results)).toEqual(['003_c']);
    await p.migrator.up();
    expect(names((await p.migrator.down({ to: '002_b' })).results)).toEqual(['004_d', '003_c']);
    expect(names((await p.migrator.down({ step: 5 })).results)).toEqual(['002_b', '001_a']);
    p.write({ '005_nodown.sql': sqlMigration('create table e (id int);') });
    await p.migrator.up();
    const error = await p.migrator.down({ all: true }).catch((e) => e);
    expect(error).toMatchObject({ exitCode: ExitCode.refused, code: 'no_down' });
    expect((await p.migrator.status()).summary.applied).toBe(5);
  });

  it('redo reverts and re-applies the last migration; baseline marks without running', async () => {
    const p = await migrationProject(backend, { '001_a.sql': createTable('a'), '002_b.sql': createTable('b'), '003_c.sql': createTable('c') });
    await expect(p.migrator.redo()).rejects.toMatchObject({ exitCode: ExitCode.usage, message: 'cannot redo: no migration is applied' });
    await p.migrator.baseline('002_b');
    expect((await p.migrator.status()).migrations.map((m) => m.state)).toEqual(['applied', 'applied', 'pending']);
    expect(await p.query(`select to_regclass('public.a') as t`)).toEqual([{ t: null }]);
    await p.migrator.up();
    const redo = await p.migrator.redo();
    expect(redo.results.map((r) => `${r.direction}:${r.name}`)).toEqual(['down:003_c', 'up:003_c']);
  });

  it('--dry-run prints SQL and TS queries and changes nothing', async () => {
    const p = await migrationProject(backend, {
      '001_a.sql': createTable('a'),
      '002_b.ts': tsMigration(`await db.schema.createTable('b').addColumn('id', 'integer').execute();\n  await db.insertInto('a').values({ id: 1 }).execute();`),
    });
    const report = await p.migrator.up({ dryRun: true });
    expect(report.results[0].statements?.[0]).toContain('create table a');
    expect(report.results[1].statements?.join('\n')).toMatch(/create table "b"[\s\S]*insert into "a"/);
    expect(await p.query(`select to_regclass('public.a') as t`)).toEqual([{ t: null }]);
    expect((await p.migrator.status()).summary.pending).toBe(2);
  });

  it('runs multi-statement SQL with comments, a $$ function and SET search_path identically, and tracks it in the right schema', async () => {
    const p = await migrationProject(backend, {
      '001_fn.sql': `-- migrate:up
-- a comment; with a semicolon
create schema app;
set search_path = app;
create table things (id serial primary key, name text not null); /* block; comment */
create function app.shout(t text) returns text language plpgsql as $$
begin
  return upper(t) || ';';
end;
$$;
insert into things (name) values (app.shout('hi'));
-- migrate:down
drop schema app cascade;
`,
      '002_after.sql': sqlMigration('create table plain (id int);', 'drop table plain;'),
    });
    await p.migrator.up();
    expect(await p.query(`select name from app.things`)).toEqual([{ name: 'HI;' }]);
    // search_path did not leak into the next migration, and bookkeeping stayed in public.
    expect(await p.query(`select to_regclass('public.plain') is not null as ok`)).toEqual([{ ok: true }]);
    expect((await p.migrator.status()).summary.applied).toBe(2);
    await p.migrator.down({ all: true });
    expect(await p.query(`select to_regclass('app.things') as t`)).toEqual([{ t: null }]);
  });

  it('runs a transaction:false migration outside a transaction (CREATE INDEX CONCURRENTLY), in SQL and TS', async () => {
    const p = await migrationProject(backend, {
      '001_t.sql': createTable('t'),
      '002_idx.sql': '-- migrate:up transaction:false\ncreate index concurrently t_a on t (id);\ncreate index concurrently t_b on t (id);\n-- migrate:down\ndrop index t_a; drop index t_b;\n',
      '003_idx.ts': tsMigration(`await sql\`create index concurrently t_c on t (id)\`.execute(db);`, `await sql\`drop index t_c\`.execute(db);`, 'export const config = { transaction: false };'),
    });
    expect((await p.migrator.up()).results.map((r) => [r.name, r.status])).toEqual([['001_t', 'success'], ['002_idx', 'success'], ['003_idx', 'success']]);
    // CONCURRENTLY fails inside a transaction block, so built and valid means it ran outside one.
    const indexes = `select c.relname as name, i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = 't'::regclass and c.relname <> 't_pkey' order by 1`;
    expect(await p.query(indexes)).toEqual([{ name: 't_a', valid: true }, { name: 't_b', valid: true }, { name: 't_c', valid: true }]);
    // Its down reverts the TS migration only, and the record says so.
    expect((await p.migrator.down({ step: 1 })).results.map((r) => [r.name, r.status])).toEqual([['003_idx', 'success']]);
    expect(await p.query(indexes)).toEqual([{ name: 't_a', valid: true }, { name: 't_b', valid: true }]);
    expect((await p.migrator.status()).migrations.map((m) => [m.name, m.state])).toEqual([['001_t', 'applied'], ['002_idx', 'applied'], ['003_idx', 'pending']]);
  });

  it('adopts a database first migrated by Kysely\'s own Migrator without re-running anything', async () => {
    const p = await migrationProject(backend, { '001_a.sql': createTable('a'), '002_b.sql': createTable('b') });
    const kyselyMigrations: Record<string, Migration> = {
      '001_a': { up: async (db) => void (await db.schema.createTable('a').addColumn('id', 'integer').execute()) },
    };
    const kysely = new KyselyMigrator({ db: await p.database.kysely(), provider: { getMigrations: async () => kyselyMigrations } });
    const { error } = await kysely.migrateToLatest();
    expect(error).toBeUndefined();
    const report = await p.migrator.up();
    expect(names(report.results)).toEqual(['002_b']);
    // The report says so too (`migrate up --json` prints it), not only the event.
    expect(report.adopted).toEqual(['001_a']);
    expect(p.events.some((e) => e.type === 'adopted')).toBe(true);
    const [adopted] = await p.query(`select applied_by, checksum from public.dbctl_migration where name = '001_a'`);
    expect(adopted.applied_by).toBe('adopted');
    expect(adopted.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect((await p.migrator.up()).adopted).toBeUndefined();
  });

  it('reports what it adopted when nothing else is pending', async () => {
    const p = await migrationProject(backend, { '001_a.sql': createTable('a') });
    const kysely = new KyselyMigrator({ db: await p.database.kysely(), provider: { getMigrations: async () => ({ '001_a': { up: async () => {} } }) } });
    expect((await kysely.migrateToLatest()).error).toBeUndefined();
    const report = await p.migrator.up();
    expect(report).toMatchObject({ results: [], adopted: ['001_a'] });
  });

  it('keeps bookkeeping tables in a configured schema', async () => {
    const p = await migrationProject(backend, { '001_a.sql': createTable('a') });
    writeFiles(p.cwd, { 'dbctl.config.json': JSON.stringify({ migrations: { schema: 'meta' } }) });
    await (await p.reload()).up();
    expect(names(await p.query(`select name from meta.kysely_migration`))).toEqual(['001_a']);
    expect(await p.query(`select to_regclass('public.kysely_migration') as t`)).toEqual([{ t: null }]);
  });

  it('a no-op up loads neither Kysely nor a migration, and does not wait for the run lock', async () => {
    const p = await migrationProject(backend, { '001_a.sql': createTable('a'), '002_b.ts': tsMigration(`throw new Error('must not be imported');`) });
    await p.migrator.baseline('002_b');
    expect((await p.migrator.status()).summary).toMatchObject({ applied: 2, pending: 0 });
    let holder: Awaited<ReturnType<typeof openDatabase>> | undefined;
    if (backend.name === 'pg') {
      // Another session holds the run lock: a real `up` would wait for it.
      holder = await openDatabase({ url: p.url });
      await holder.session((c) => c.query('select pg_advisory_lock($1::bigint)', [RUN_LOCK_KEY.toString()]));
    }
    // Kysely loads on a database's first kysely() call: a no-op up makes none.
    const loads = vi.spyOn(p.database, 'kysely');
    try {
      expect((await p.migrator.up()).results).toEqual([]);
      expect(p.events.some((e) => e.type === 'lock-wait')).toBe(false);
    } finally {
      await holder?.close();
    }
    expect(loads).not.toHaveBeenCalled();
    // Something pending: Kysely is loaded on demand and the migration runs.
    p.write({ '003_c.ts': tsMigration(`await db.schema.createTable('c').addColumn('id', 'integer').execute();`) });
    expect((await p.migrator.up()).results.map((r) => r.name)).toEqual(['003_c']);
    // Kysely was loaded on demand and works on the same pool: the table the migration made is there.
    expect(await (await p.database.kysely()).selectFrom('c').selectAll().execute()).toEqual([]);
    expect(names(await p.query(`select name from public.kysely_migration order by name`))).toEqual(['001_a', '002_b', '003_c']);
  });

  it("records names with a quote and a backslash verbatim (bookkeeping rides with COMMIT as literal SQL)", async () => {
    const odd = "002_it's_a\\b";
    const p = await migrationProject(backend, { '001_a.sql': createTable('a'), [`${odd}.sql`]: createTable('b') });
    await p.migrator.up();
    expect(names(await p.query(`select name from public.kysely_migration order by name`))).toEqual(['001_a', odd]);
    expect(names(await p.query(`select name from public.dbctl_migration order by name`))).toEqual(['001_a', odd]);
    expect((await p.migrator.status()).summary).toMatchObject({ applied: 2, pending: 0, modified: 0 });
    await p.migrator.down();
    expect(names(await p.query(`select name from public.kysely_migration`))).toEqual(['001_a']);
  });

  it('fails a migration whose COMMIT fails (deferred constraint): nothing of it is applied or recorded', async () => {
    const p = await migrationProject(backend, {
      '001_a.sql': createTable('a'),
      '002_deferred.sql': sqlMigration(`create table parent (id int primary key);
create table child (pid int references parent deferrable initially deferred);
insert into child values (1);`),
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect(error.failure).toMatchObject({ name: '002_deferred', sqlstate: '23503' });
    expect(error.report.results.map((r: any) => r.status)).toEqual(['success', 'failed']);
    expect((await p.migrator.status()).migrations.map((m) => m.state)).toEqual(['applied', 'pending']);
    expect(await p.query(`select to_regclass('public.parent') as t`)).toEqual([{ t: null }]);
    // The session is usable again: the next run applies a fixed file.
    p.write({ '002_deferred.sql': sqlMigration('create table parent (id int primary key);') });
    expect((await p.migrator.up()).results.map((r) => r.status)).toEqual(['success']);
  });

  it('gives a migration a transaction it cannot nest or end', async () => {
    const p = await migrationProject(backend, {
      '001_nested.ts': tsMigration(`await db.schema.createTable('n').addColumn('id', 'integer').execute();
  await db.transaction().execute(async () => {});`),
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.failure.message).toMatch(/transaction method for a Transaction is not supported/);
    expect(await p.query(`select to_regclass('public.n') as t`)).toEqual([{ t: null }]);
  });
});
