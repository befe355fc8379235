import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../src/testing.js';
import { backends, freshDatabase } from '../../helpers/backends.js';
import { runArgv } from '../../helpers/argv.js';
import { runCli, tempProject } from '../../helpers/cli.js';
import { counts, fill, PROJECT, withOpen } from '../../reset/schema.js';

const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('warning:'));

describe.each(backends)('dbctl reset on $name', (backend) => {
  let t: TestDatabase;
  let cwd: string;
  const withDb = <T>(fn: (db: Kysely<any>) => Promise<T>) => withOpen(t.url, fn);

  beforeAll(async () => {
    t = await createTestDatabase({ serverUrl: backend.serverUrl });
    cwd = tempProject({
      ...PROJECT,
      'seeds/common/01_camel.sql': `insert into "CamelCase" (label) values ('seeded');`,
      'dbctl.config.json': JSON.stringify({ url: t.url }),
    });
    expect((await runArgv(['migrate', 'up'], { cwd })).code).toBe(0);
  });
  afterAll(async () => t?.drop());

  it('reports what it emptied (human), keeping --keep tables', async () => {
    await withDb(fill);
    const r = await runArgv(['reset', '--keep', 'CamelCase', 'Weird "Name"', 'users'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('truncated 0 table(s) in public: (none)\nkept: CamelCase, Weird "Name", dbctl_migration, kysely_migration, kysely_migration_lock, users\n');
    const all = await runArgv(['reset'], { cwd });
    expect(all.stdout).toBe('truncated 3 table(s) in public (identities restarted): CamelCase, Weird "Name", users\nkept: dbctl_migration, kysely_migration, kysely_migration_lock\n');
    expect(warnings(all.stderr)).toEqual(['warning: also emptied, as they reference emptied tables: audit.log']);
    expect(await withDb(counts)).toEqual({ users: 0, weird: 0, camel: 0, notes: 2, log: 0, migrations: 1, history: 1 });
  });

  it('--json lists the tables, --seed seeds again, identities start over (the binary, end to end)', async () => {
    await withDb(fill);
    const r = await runCli(['--json', 'reset', '--seed'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc).toMatchObject({ ok: true, schemas: ['public'], dryRun: false, cascaded: [{ schema: 'audit', table: 'log' }] });
    expect(doc.truncated.map((x: { table: string }) => x.table)).toEqual(['CamelCase', 'Weird "Name"', 'users']);
    expect(doc.seeded).toMatchObject({ seeds: [{ name: 'common/01_camel' }], totals: { CamelCase: { inserted: 1 } } });
    const rows = await withDb(async (db) => db.selectFrom('CamelCase').selectAll().execute());
    expect(rows).toEqual([{ id: '1', label: 'seeded' }]);
  });

  it('refuses an unknown --keep (exit 2)', async () => {
    const bad = await runArgv(['reset', '--keep', 'nope'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error: --keep nope: no such table in schema(s) public');
  });

  it('a dry run lists the tables and changes nothing', async () => {
    const dry = await runArgv(['reset', '--dry-run'], { cwd });
    expect(dry.stdout).toMatch(/^would truncate 3 table\(s\)/);
    expect(await withDb(counts)).toMatchObject({ camel: 1 });
  });

  it('refuses --keep of a partitioned table whose partition references an emptied one; warns of no cascade that is not', async () => {
    const fresh = await freshDatabase(backend);
    const dir = tempProject({ 'dbctl.config.json': JSON.stringify({ url: fresh.url }) });
    await withOpen(fresh.url, (db) => sql.raw(`
      create table customer (id serial primary key);
      create table payment (customer_id int, paid date not null) partition by range (paid);
      create table payment_2026 partition of payment for values from ('2026-01-01') to ('2027-01-01');
      alter table payment_2026 add foreign key (customer_id) references customer (id);
      create sequence n_seq;
      create table n (id int default nextval('n_seq') primary key);
      insert into customer default values;
      insert into payment values (1, '2026-05-01');
      insert into n default values; insert into n default values;
    `).execute(db));
    const refused = await runArgv(['reset', '--keep', 'payment'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'error: cannot keep public.payment: its partition public.payment_2026 references public.customer (foreign key payment_2026_customer_id_fkey), which reset empties\n' +
        'hint: keep public.customer as well (--keep public.customer)\n',
    );
    expect(await withOpen(fresh.url, (db) => sql<{ n: number }>`select count(*)::int as n from payment`.execute(db))).toMatchObject({ rows: [{ n: 1 }] });

    const all = await runArgv(['reset'], { cwd: dir });
    expect(all.code, all.stderr).toBe(0);
    expect(warnings(all.stderr)).toEqual([]);
    expect(all.stdout).toBe('truncated 3 table(s) in public (identities restarted): customer, n, payment\nrestarted 1 sequence(s) no column owns: n_seq\nkept: (none)\n');
    const next = await withOpen(fresh.url, (db) => sql<{ id: number }>`insert into n default values returning id`.execute(db));
    expect(next.rows).toEqual([{ id: 1 }]);
  });
});
