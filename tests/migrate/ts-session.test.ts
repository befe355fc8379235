import pg from 'pg';
import { until } from '../helpers/poll.js';
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { migrationProject, tsMigration } from './helpers.js';
import { RUN_LOCK_KEY } from '../../src/migrate/lock.js';

/**
 * Consecutive TS migrations share one session, each in its own transaction (the COMMIT of one and
 * the BEGIN of the next ride in one round trip): what each commits, rolls back and leaves behind
 * must be exactly as with a session per migration.
 */
describe.each(backends)('a run of TS migrations on $name', (backend) => {
  it('commits each on its own: a failure rolls back only the one in progress, and a SET does not leak', async () => {
    const p = await migrationProject(backend, {
      '001_a.ts': tsMigration(`await sql\`create schema other\`.execute(db);\n  await sql\`set search_path = other\`.execute(db);\n  await db.schema.createTable('a').addColumn('id', 'integer').execute();`),
      '002_b.ts': tsMigration(`await db.schema.createTable('b').addColumn('id', 'integer').execute();`),
      '003_bad.ts': tsMigration(`await db.schema.createTable('c').addColumn('id', 'integer').execute();\n  await sql\`select 1/0\`.execute(db);`),
      '004_d.ts': tsMigration(`await db.schema.createTable('d').addColumn('id', 'integer').execute();`),
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.failure).toMatchObject({ name: '003_bad', sqlstate: '22012', line: 4 });
    expect(error.report.results.map((r: any) => r.status)).toEqual(['success', 'success', 'failed', 'not-run']);
    // 001's SET search_path stayed in 001: 002 created its table in public.
    const rows = await p.query(`select to_regclass('other.a') is not null as a, to_regclass('public.b') is not null as b, to_regclass('public.c') as c, to_regclass('public.d') as d`);
    expect(rows).toEqual([{ a: true, b: true, c: null, d: null }]);
    expect((await p.migrator.status()).migrations.map((m) => m.state)).toEqual(['applied', 'applied', 'pending', 'pending']);
    const done = p.events.filter((e) => e.type === 'done').map((e) => (e as { name: string }).name);
    expect(done).toEqual(['001_a', '002_b']);
  });

  it.runIf(backend.name === 'pg')('retries the migration that hit lock_timeout, not the ones committed before it', async () => {
    const p = await migrationProject(backend, {
      '001_t.ts': tsMigration(`await db.schema.createTable('t').addColumn('id', 'integer').execute();\n  await db.schema.createTable('log').addColumn('n', 'integer').execute();`),
    });
    await p.migrator.up();
    p.write({
      '002_log.ts': tsMigration(`await db.insertInto('log').values({ n: 2 }).execute();`),
      '003_alter.ts': tsMigration(`await db.schema.alterTable('t').addColumn('note', 'text').execute();`),
    });
    const migrator = await p.reload({ ddlLockTimeout: '300ms' });
    const blocker = new pg.Client({ connectionString: p.url });
    await blocker.connect();
    try {
      await blocker.query('begin; lock table t in access exclusive mode');
      const run = migrator.up();
      // The lock is let go once 003 has hit lock_timeout and is being retried (its 'retry' event),
      // not after a fixed 900 ms a slow machine might not reach 003 in.
      await until(() => p.events.some((e) => e.type === 'retry'), "003's retry after lock_timeout");
      await blocker.query('commit');
      const report = await run;
      expect(report.results.map((r) => [r.name, r.status])).toEqual([['002_log', 'success'], ['003_alter', 'success']]);
    } finally {
      await blocker.end();
    }
    const retries = p.events.filter((e) => e.type === 'retry').map((e) => (e as { retry: { name: string } }).retry.name);
    expect(retries.length).toBeGreaterThan(0);
    expect(new Set(retries)).toEqual(new Set(['003_alter']));
    // 002 ran once: its row is there once.
    expect(await p.query(`select n from log`)).toEqual([{ n: 2 }]);
  });

  it.runIf(backend.name === 'pg')('a run lock lost while a TS migration runs (its session ended) fails that migration on the server: it is not applied, and the next run applies it once', async () => {
    const p = await migrationProject(backend, {
      '001_t.ts': tsMigration(`await db.schema.createTable('armed').addColumn('id', 'integer').execute();\n  await db.schema.createTable('log').addColumn('n', 'integer').execute();`),
    });
    await p.migrator.up();
    // While `armed` exists, 002 ends the session holding the run lock and waits for it to be gone.
    const [high, low] = [Number(RUN_LOCK_KEY >> 32n), Number(RUN_LOCK_KEY & 0xffffffffn)];
    p.write({
      '002_lost.ts': tsMigration(`const { rows } = await sql<{ armed: boolean }>\`select to_regclass('armed') is not null as armed\`.execute(db);
  if (rows[0].armed) await sql\`select pg_terminate_backend(pid, 5000) from pg_locks where locktype = 'advisory' and granted and classid = ${high} and objid = ${low} and objsubid = 1\`.execute(db);
  await db.insertInto('log').values({ n: 2 }).execute();`),
    });
    const error = await (await p.reload()).up().catch((e) => e);
    // Heard of here before 002 commits (the session's end reaches this process first), or else
    // refused by the server in 002's own COMMIT message (lockHeldCheck): either way, not applied.
    expect(error.message).toMatch(/run lock/);
    expect(error.message).toMatch(/002_lost was rolled back by the server and is not recorded as applied|the migration run lock is no longer held/);
    expect(error.data.results).toEqual([{ name: '002_lost', direction: 'up', status: 'failed' }]);
    expect(await p.query('select n from log')).toEqual([]);
    expect((await p.migrator.status()).migrations.map((m) => m.state)).toEqual(['applied', 'pending']);
    await p.query('drop table armed');
    await (await p.reload()).up();
    expect(await p.query('select n from log')).toEqual([{ n: 2 }]);
    expect((await p.migrator.status()).migrations.map((m) => m.state)).toEqual(['applied', 'applied']);
  });
});
