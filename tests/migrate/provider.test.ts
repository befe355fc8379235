import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { Migrator, MigrationFailedError, type MigrationProvider, type MigratorProps } from '../../src/index.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { tempProject } from '../helpers/cli.js';

const open: Database[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

/** A provider in Kysely's MigrationProvider shape, with migrations defined in code. */
function provider(migrations: Record<string, { up(db: Kysely<any>): Promise<void>; down?(db: Kysely<any>): Promise<void> }>): MigrationProvider {
  return { getMigrations: async () => migrations };
}

const table = (name: string) => ({
  up: async (db: Kysely<any>) => void (await db.schema.createTable(name).addColumn('id', 'integer', (c) => c.primaryKey()).execute()),
  down: async (db: Kysely<any>) => void (await db.schema.dropTable(name).execute()),
});

describe.each(backends)('migrations from a provider on $name', (backend) => {
  async function setup(props: Omit<MigratorProps, 'database'>) {
    const t = await freshDatabase(backend);
    const database = await openDatabase({ url: t.url, cwd: tempProject({}) });
    open.push(database);
    return { database, migrator: new Migrator({ database, ...props }) };
  }

  it('applies, reports and reverts them in name order with the narrow props alone, recording them like files', async () => {
    const { database, migrator } = await setup({ migrations: provider({ '002_b': table('b'), '001_a': table('a') }) });
    expect((await migrator.status()).migrations.map((m) => [m.name, m.state, m.kind])).toEqual([['001_a', 'pending', 'provided'], ['002_b', 'pending', 'provided']]);
    const report = await migrator.up();
    expect(report.results.map((r) => [r.name, r.status])).toEqual([['001_a', 'success'], ['002_b', 'success']]);
    const { rows } = await database.query(`select name, checksum, batch from public.dbctl_migration order by name`);
    expect(rows).toEqual([{ name: '001_a', checksum: 'provided', batch: 1 }, { name: '002_b', checksum: 'provided', batch: 1 }]);
    // Nothing pending is a no-op, and code has no bytes to drift.
    expect((await migrator.up()).results).toEqual([]);
    await expect(migrator.verify()).resolves.toMatchObject({ summary: { applied: 2, modified: 0 } });
    expect((await migrator.down()).results.map((r) => r.name)).toEqual(['002_b']);
    expect((await database.query(`select to_regclass('public.b') as t`)).rows).toEqual([{ t: null }]);
  });

  it('keeps bookkeeping where the props say, and stops at a failing migration with the ones before it applied', async () => {
    const { database, migrator } = await setup({
      migrations: provider({
        '001_a': table('a'),
        '002_bad': { up: async (db) => void (await sql`select nope from a`.execute(db)) },
        '003_c': table('c'),
      }),
      store: { schema: 'meta' },
      ddlLockTimeoutMs: 1000,
    });
    const error = await migrator.up().catch((e) => e);
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect(error.failure).toMatchObject({ name: '002_bad', sqlstate: '42703' });
    expect(error.report.results.map((r: any) => r.status)).toEqual(['success', 'failed', 'not-run']);
    expect((await database.query(`select name from meta.kysely_migration`)).rows).toEqual([{ name: '001_a' }]);
  });

  it('refuses a provided migration without an up() before anything runs', async () => {
    const { database, migrator } = await setup({ migrations: provider({ '001_a': table('a'), '002_none': {} as any }) });
    await expect(migrator.up()).rejects.toThrow(/migration "002_none" from the provider has no up\(\) function/);
    expect((await database.query(`select to_regclass('public.a') as t`)).rows).toEqual([{ t: null }]);
  });
});

describe.each(backends)('--single-transaction on $name', (backend) => {
  it('refuses, before anything runs, a migration that must run outside a transaction', async () => {
    const t = await freshDatabase(backend);
    const database = await openDatabase({ url: t.url, cwd: tempProject({}) });
    open.push(database);
    const migrator = new Migrator({
      database,
      migrations: provider({ '001_a': table('a'), '002_idx': { ...table('x'), config: { transaction: false } } as any }),
    });
    const error = await migrator.up({ singleTransaction: true }).catch((e) => e);
    expect(error.message).toBe('--single-transaction: 002_idx must run outside a transaction (transaction:false), so it cannot share one with the others; nothing was applied');
    expect(error.exitCode).toBe(2);
    expect((await database.query(`select to_regclass('public.a') as t`)).rows).toEqual([{ t: null }]);
  });
});
