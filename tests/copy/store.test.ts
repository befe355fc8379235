import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CopyConfig } from '../../src/config/copy.js';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { parseTarget } from '../../src/driver/target.js';
import { copyDatabase, type CopyReport, type DbCopyOptions } from '../../src/flows/db-copy.js';
import { Migrator, migratorConfig } from '../../src/migrate/migrator.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';

const SERVER = process.env.TEST_DATABASE_URL;
const HERE = path.dirname(new URL(import.meta.url).pathname);
const MIGRATIONS = path.join(HERE, 'store/migrations');

/** The masked columns, each checked against every source value after the copy. */
const MASKED: Record<string, string> = {
  'customer.first_name': 'firstName',
  'customer.last_name': 'lastName',
  'customer.email': 'email',
  'customer.phone': 'phone',
  'customer.notes': 'text',
  'staff.name': 'name',
  'staff.email': 'email',
  'comment.body': 'text',
};
const COPY: CopyConfig = {
  subset: { start: [{ table: 'customer', where: 'id <= 5' }], childLimit: 3, outside: 'empty', tables: { audit_log: 'copy' } },
  virtualForeignKeys: [
    { table: 'comment', columns: ['subject_id'], references: 'film', when: { subject_type: 'film' } },
    { table: 'comment', columns: ['subject_id'], references: 'customer', when: { subject_type: 'customer' } },
  ],
  mask: MASKED as CopyConfig['mask'],
  safe: ['store.*', 'film.*', 'inventory.*', 'rental.*', 'payment.*', 'audit_log.*', 'customer.id', 'customer.store_id', 'customer.created_at', 'staff.id', 'staff.store_id', 'staff.boss_id', 'comment.id', 'comment.subject_type', 'comment.subject_id'],
  strict: true,
};

/**
 * `db copy` on a pagila-like schema with a cycle, a self-reference and a polymorphic reference:
 * from a server source into a server database and a PGlite folder.
 */
describe.runIf(SERVER)('db copy of a schema with cycles', () => {
  let source: TestDatabase;
  let sourceDb: Database;
  let work: string;
  const made: TestDatabase[] = [];

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-copy-store-'));
    // A project's node_modules holds the copy's catalog caches: the drift test below is refused by
    // a source whose schema an earlier copy had cached.
    fs.mkdirSync(path.join(work, 'node_modules'));
    source = await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copysrc' });
    sourceDb = await openDatabase({ url: source.url, cwd: work });
    await new Migrator({ database: sourceDb, ...migratorConfig(await configFor(source.url)) }).up();
    await sourceDb.query(fs.readFileSync(path.join(HERE, 'store/data.sql'), 'utf8'));
  }, 30_000);
  afterAll(async () => {
    await sourceDb?.close();
    for (const t of [...made, source]) await t?.drop().catch(() => {});
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function configFor(url: string, extra: Partial<ResolvedConfig> = {}): Promise<ResolvedConfig> {
    return { ...(await resolveConfig({ cwd: work, url, environ: {}, migrationsDir: MIGRATIONS })), ...extra };
  }
  const copy = async (url: string, options: Partial<DbCopyOptions> = {}) =>
    copyDatabase({ config: await configFor(url), from: parseTarget(source.url, work), copy: COPY, secret: 'store-secret', ...options });
  const serverTarget = async () => {
    const t = await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copy' });
    made.push(t);
    return t.url;
  };
  let n = 0;
  const folderTarget = async () => `pglite://${path.join(work, `into-${n++}`)}`;
  /** One open database per URL for the whole test (opening an embedded one costs a second or more). */
  const open = new Map<string, Promise<Database>>();
  const rows = async <R,>(url: string, query: string): Promise<R[]> => {
    if (!open.has(url)) open.set(url, openDatabase({ url, cwd: work }));
    return (await (await open.get(url)!).query<R>(query)).rows;
  };
  /** Closed before the next copy replaces what they have open. */
  const closeAll = async () => {
    for (const db of open.values()) await (await db).close();
    open.clear();
  };
  afterEach(closeAll);
  const ids = async (url: string, table: string) => (await rows<{ id: number }>(url, `select id from ${table} order by id`)).map((r) => r.id);

  it.each([['a server database', serverTarget], ['a PGlite folder', folderTarget]])('into %s: start rows and their parent closure, children limited, masked, strict', async (_, makeTarget) => {
    const url = await makeTarget();
    const report = await copy(url);
    expect(report.strict).toBe(true);
    expect(await ids(url, 'customer')).toEqual(expect.arrayContaining([1, 2, 3, 4, 5]));
    // Children per parent and reference: at most 3 rentals per start customer.
    const perCustomer = await rows<{ n: number }>(url, 'select count(*)::int as n from rental where customer_id <= 5 group by customer_id');
    expect(Math.max(...perCustomer.map((r) => r.n))).toBeLessThanOrEqual(3);
    // The closure: every rental's inventory, film, store and staff; the store ↔ staff cycle and the boss chain.
    const orphans = await rows<{ n: number }>(url, `select
      (select count(*) from rental r where not exists (select 1 from inventory i where i.id = r.inventory_id))
      + (select count(*) from inventory i where not exists (select 1 from film f where f.id = i.film_id))
      + (select count(*) from store s where s.manager_staff_id is not null and not exists (select 1 from staff t where t.id = s.manager_staff_id))
      + (select count(*) from staff t where t.boss_id is not null and not exists (select 1 from staff b where b.id = t.boss_id))
      + (select count(*) from comment c where c.subject_type = 'film' and not exists (select 1 from film f where f.id = c.subject_id))
      + (select count(*) from comment c where c.subject_type = 'customer' and not exists (select 1 from customer u where u.id = c.subject_id)) as n`);
    expect(Number(orphans[0].n)).toBe(0);
    expect(await ids(url, 'staff')).toContain(1); // every boss chain ends at Ann
    // Indexes and keys dropped for the load are back as the migrations made them, not-nulls and comments too
    // (not-null constraints compared as nullability: PGlite's PostgreSQL lists them as constraints, a 15 does not).
    const schema = async (u: string) => (await rows<{ d: string }>(u, `
      select tablename || ': ' || indexdef as d from pg_indexes where schemaname = 'public'
      union all select conrelid::regclass::text || ': ' || conname || ' ' || pg_get_constraintdef(oid) from pg_constraint where connamespace = 'public'::regnamespace and contype <> 'n'
      union all select table_name || '.' || column_name || ' nullable ' || is_nullable from information_schema.columns where table_schema = 'public'
      union all select 'comment ' || coalesce(obj_description('customer_created_idx'::regclass, 'pg_class'), 'none')
      order by 1`)).map((r) => r.d);
    expect(await schema(url)).toEqual(await schema(source.url));
    // Tables outside the subset's reach: audit_log copied whole (configured), the rest as reached.
    expect((await rows<{ note: string }>(url, 'select note from audit_log')).map((r) => r.note)).toEqual(['source audit row']);
    // No masked column holds a source value.
    for (const column of Object.keys(MASKED)) {
      const [table, name] = column.split('.');
      const query = `select ${name}::text as v from ${table} where ${name} is not null`;
      const before = new Set((await rows<{ v: string }>(source.url, query)).map((r) => r.v));
      const after = (await rows<{ v: string }>(url, query)).map((r) => r.v);
      expect(after.filter((v) => before.has(v)), column).toEqual([]);
    }
    const emails = await rows<{ v: string }>(url, 'select email as v from customer union all select email from staff');
    for (const { v } of emails) expect(v).toMatch(/@example\.com$/);
    for (const { v } of await rows<{ v: string }>(url, 'select phone as v from customer')) expect(v).toMatch(/^\+44 7700 900\d{3}$/);
  }, 60_000);

  it('keeps the target rows of --keep tables, and gives the same manifest for the same source (also with --jobs 3)', async () => {
    const url = await serverTarget();
    const first = await copy(url);
    await rows(url, `insert into audit_log (note) values ('staging audit row')`);
    await closeAll();
    // Three streams on the one snapshot: the same rows as one.
    const second = await copy(url, { keep: ['audit_log'], jobs: 3 });
    expect((await rows<{ note: string }>(url, 'select note from audit_log order by id')).map((r) => r.note)).toEqual(['source audit row', 'staging audit row']);
    const without = (m: typeof first.manifest) => m.tables.filter((t) => t.table !== 'audit_log');
    expect(without(second.manifest)).toEqual(without(first.manifest));
  }, 60_000);

  it('strict mode names the unruled column and the migration that added it; nothing changes', async () => {
    const url = await serverTarget();
    const mask = { ...COPY.mask };
    delete mask['customer.notes'];
    await expect(copy(url, { copy: { ...COPY, mask } })).rejects.toMatchObject({
      code: 'unmasked_column',
      message: expect.stringContaining('column customer.notes (added by migration 20260101000200_customer_notes.sql) has no masking rule'),
    });
    expect(await rows(url, `select 1 from pg_tables where tablename = 'customer'`)).toEqual([]);
  }, 30_000);

  it('a copied row that breaks a foreign key fails the copy naming the key and its table; the target is left as it was', async () => {
    const url = await serverTarget();
    // A key column masked on one side only: every rental now points at a customer that is not there.
    const mask = { ...COPY.mask, 'rental.customer_id': { constant: '999999' } };
    await expect(copy(url, { copy: { ...COPY, mask } })).rejects.toMatchObject({
      code: 'copy_verify_failed',
      message: expect.stringContaining('foreign key rental_customer_id_fkey on public.rental is violated by the copied rows'),
    });
    expect(await rows(url, `select 1 from pg_tables where tablename = 'rental'`)).toEqual([]);
  }, 30_000);

  it('refuses a protected target without confirmation, and a drifted source unless --allow-drift', async () => {
    const url = await serverTarget();
    await expect(copyDatabase({ config: await configFor(url, { protected: true, env: 'production' }), from: parseTarget(source.url, work), copy: COPY, secret: 's' })).rejects.toMatchObject({ code: 'protected' });
    // The source named as the target too: refused before anything is made or read.
    await expect(copyDatabase({ config: await configFor(source.url), from: parseTarget(source.url, work), copy: COPY, secret: 's' })).rejects.toMatchObject({ message: expect.stringContaining('the source and the target are the same database') });
    await closeAll();
    const cached = (report: CopyReport) => report.phases.some((p) => p.phase === 'source schema (cached)');
    await copy(url);
    expect(cached(await copy(url))).toBe(true);
    await sourceDb.query('alter table film add column rating text');
    try {
      await expect(copy(url)).rejects.toMatchObject({ code: 'copy_drift', hint: expect.stringContaining('column public.film.rating') });
      const report = await copy(url, { allowDrift: true });
      expect(report.tables.find((t) => t.table === 'public.film')!.rows).toBeGreaterThan(0);
    } finally {
      await sourceDb.query('alter table film drop column rating');
    }
  }, 60_000);

  it('builds a test-database template that clones are made from', async () => {
    const config = await configFor(undefined as never);
    const report = await copyDatabase({ config, from: parseTarget(source.url, work), copy: COPY, secret: 's', testdb: 'store_sample' });
    expect(report.target).toContain('dbctl_copy_store_sample');
    const clone = await createTestDatabase({ copy: 'store_sample', cwd: work });
    try {
      expect((await rows<{ n: number }>(clone.url, 'select count(*)::int as n from customer'))[0].n).toBeGreaterThanOrEqual(5);
    } finally {
      await closeAll();
      await clone.drop();
    }
  }, 60_000);
});
