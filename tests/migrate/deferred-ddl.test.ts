import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { migrationProject, tsMigration } from './helpers.js';

/**
 * Issue 28: on a server, a TS migration's schema-builder statements are sent with the next message
 * (src/migrate/deferred-ddl.ts). Only when a failure is seen moves: it still names the statement's
 * own file:line, rolls back only its migration, and a query the migration awaits sees every
 * statement before it. The same tests run on PGlite, where nothing is deferred.
 */
describe.each(backends)('deferred DDL of TS migrations, on $name', (backend) => {
  const create = (t: string) => `await db.schema.createTable('${t}').addColumn('id', 'integer').execute();`;

  it.each([false, true])('a failing statement names its own file:line, not the commit\'s (single transaction: %s)', async (single) => {
    const p = await migrationProject(backend, {
      '001_a.ts': tsMigration(create('a')),
      // Line 4 fails (a exists); line 3 ran in the same transaction and is rolled back with it.
      '002_b.ts': tsMigration(`${create('b')}\n  ${create('a')}\n  await db.schema.createIndex('b_id').on('b').column('id').execute();`),
      '003_c.ts': tsMigration(create('c')),
    });
    const error = await p.migrator.up({ singleTransaction: single }).catch((e) => e);
    expect(error.failure).toMatchObject({ name: '002_b', sqlstate: '42P07', line: 4 });
    expect(error.failureReport).toMatch(/migrations\/002_b\.ts:4:\d+/);
    expect(error.failureReport).toContain(`${create('a')}`);
    const tables = (await p.query("select table_name from information_schema.tables where table_schema = 'public' and table_name in ('a', 'b', 'c') order by 1")).map((r) => r.table_name);
    expect(tables).toEqual(single ? [] : ['a']);
    const status = await p.migrator.status();
    expect(status.migrations.map((m) => m.state)).toEqual(single ? ['pending', 'pending', 'pending'] : ['applied', 'pending', 'pending']);
  });

  it('the last migration\'s failure, sent with its COMMIT, names its line; a query awaited after DDL sees it', async () => {
    const p = await migrationProject(backend, {
      '001_a.ts': tsMigration(`${create('a')}\n  await db.insertInto('a').values({ id: 1 }).execute();\n  const { n } = await db.selectFrom('a').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();\n  if (Number(n) !== 1) throw new Error('not seen');`),
      '002_b.ts': tsMigration(`${create('b')}\n  await db.schema.alterTable('b').addColumn('id', 'text').execute();`),
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.failure).toMatchObject({ name: '002_b', sqlstate: '42701', line: 4 });
    expect((await p.migrator.status()).migrations.map((m) => m.state)).toEqual(['applied', 'pending']);
    const history = await p.query("select name, duration_ms from dbctl_migration");
    expect(history).toEqual([{ name: '001_a', duration_ms: expect.any(Number) }]);
  });

  it.each([false, true])('--single-transaction: an earlier migration\'s failure, seen by a later one\'s query, is reported as its own (later one catches it: %s)', async (caught) => {
    const select = `await db.selectFrom('a').selectAll().execute();`;
    const p = await migrationProject(backend, {
      '001_a.ts': tsMigration(create('a')),
      // Line 4 fails (a exists).
      '002_b.ts': tsMigration(`${create('b')}\n  ${create('a')}`),
      '003_c.ts': tsMigration(caught ? `try {\n    ${select}\n  } catch {}\n  ${create('c')}` : `${select}\n  ${create('c')}`),
      '004_d.ts': tsMigration(create('d')),
    });
    const error = await p.migrator.up({ singleTransaction: true }).catch((e) => e);
    expect(error.failure).toMatchObject({ name: '002_b', sqlstate: '42P07', line: 4 });
    expect(error.failureReport).toMatch(/migrations\/002_b\.ts:4:\d+/);
    expect(error.report.results.map((r: { status: string }) => r.status)).toEqual(['not-run', 'failed', 'not-run', 'not-run']);
    expect(await p.query("select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name in ('a', 'b', 'c', 'd')")).toEqual([{ n: 0 }]);
    expect((await p.migrator.status()).migrations.map((m) => m.state)).toEqual(['pending', 'pending', 'pending', 'pending']);
  });

  it.each([false, true])('a transaction each: the next body runs while the server runs the previous message; its failure is the previous one\'s, and nothing of the next is applied (next catches it: %s)', async (caught) => {
    const insert = `await db.insertInto('a').values({ id: 1 }).execute();`;
    const p = await migrationProject(backend, {
      '001_a.ts': tsMigration(create('a')),
      // Line 4 fails (a exists): sent with 002's COMMIT while 003's body runs.
      '002_b.ts': tsMigration(`${create('b')}\n  ${create('a')}`),
      '003_c.ts': tsMigration(caught ? `try {\n    ${insert}\n  } catch {}\n  ${create('c')}` : `${insert}\n  ${create('c')}`),
      '004_d.ts': tsMigration(create('d')),
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.failure).toMatchObject({ name: '002_b', sqlstate: '42P07', line: 4 });
    expect(error.report.results.map((r: { status: string }) => r.status)).toEqual(['success', 'failed', 'not-run', 'not-run']);
    const tables = (await p.query("select table_name from information_schema.tables where table_schema = 'public' and table_name in ('a', 'b', 'c', 'd') order by 1")).map((r) => r.table_name);
    expect(tables).toEqual(['a']);
    expect(await p.query('select count(*)::int as n from a')).toEqual([{ n: 0 }]);
    expect((await p.migrator.status()).migrations.map((m) => m.state)).toEqual(['applied', 'pending', 'pending', 'pending']);
    expect(p.events.filter((e) => e.type === 'done').map((e) => (e as { name: string }).name)).toEqual(['001_a']);
  });

  it('a transaction each: many migrations, each committed and recorded with its duration, in order', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 40; i++) files[`${String(i).padStart(3, '0')}_t.ts`] = tsMigration(`${create(`t${i}`)}\n  await db.schema.createIndex('t${i}_id').on('t${i}').column('id').execute();`);
    const p = await migrationProject(backend, files);
    const report = await p.migrator.up();
    expect(report.results.every((r) => r.status === 'success' && typeof r.durationMs === 'number')).toBe(true);
    expect(p.events.filter((e) => e.type === 'done').map((e) => (e as { name: string }).name)).toEqual(Object.keys(files).map((f) => f.slice(0, -3)));
    expect(await p.query('select count(*)::int as n, count(duration_ms)::int as d from dbctl_migration')).toEqual([{ n: 40, d: 40 }]);
  });

  it('--single-transaction: many migrations, each recorded with its own duration; a failure deep in the run names its file:line', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 40; i++) files[`${String(i).padStart(3, '0')}_t.ts`] = tsMigration(`${create(`t${i}`)}\n  await db.schema.createIndex('t${i}_id').on('t${i}').column('id').execute();`);
    const p = await migrationProject(backend, files);
    const report = await p.migrator.up({ singleTransaction: true });
    expect(report.results.every((r) => r.status === 'success' && typeof r.durationMs === 'number')).toBe(true);
    const history = await p.query('select count(*)::int as n, count(duration_ms)::int as d from dbctl_migration');
    expect(history).toEqual([{ n: 40, d: 40 }]);
    // 031 fails on its second statement (line 4): an index name 005 already took.
    const q = await migrationProject(backend, { ...files, '031_t.ts': tsMigration(`${create('t31')}\n  await db.schema.createIndex('t5_id').on('t31').column('id').execute();`) });
    const error = await q.migrator.up({ singleTransaction: true }).catch((e) => e);
    expect(error.failure).toMatchObject({ name: '031_t', sqlstate: '42P07', line: 4 });
    expect((await q.migrator.status()).migrations.every((m) => m.state === 'pending')).toBe(true);
  });

  it('a migration that catches a failing statement under a SAVEPOINT sees it at its own await', async () => {
    const p = await migrationProject(backend, {
      '001_a.ts': tsMigration(create('a')),
      '002_b.ts': tsMigration(`await sql\`savepoint maybe\`.execute(db);\n  try {\n    ${create('a')}\n  } catch {\n    await sql\`rollback to savepoint maybe\`.execute(db);\n  }\n  ${create('b')}`),
    });
    const report = await p.migrator.up();
    expect(report.results.map((r) => r.status)).toEqual(['success', 'success']);
    expect(await p.query("select count(*)::int as n from information_schema.tables where table_name = 'b'")).toEqual([{ n: 1 }]);
  });
});
