import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';
import { openDatabase } from '../../src/driver/database.js';
import { testdbProject } from './helpers.js';

// The wire server exists for the embedded default: a server database's URL already is postgres://.
const psqlMissing = spawnSync('psql', ['--version']).error !== undefined;

describe('createTestDatabase({ wire: true }) on embedded PGlite', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('hands out a postgres:// URL that pg.Pool opens: queries, a transaction, several connections', async () => {
    db = await createTestDatabase({ wire: true });
    expect(db.kind).toBe('pglite');
    expect(db.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(db.embeddedUrl).toMatch(/^pglite:\/\//);
    const pool = new pg.Pool({ connectionString: db.url, max: 3 });
    try {
      await pool.query('create table item (id int primary key, name text not null)');
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query('insert into item values ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
        await client.query('rollback');
        await client.query('begin');
        await client.query('insert into item values ($1, $2)', [3, 'c']);
        await client.query('commit');
      } finally {
        client.release();
      }
      // Three connections at once: served one statement at a time, none refused.
      const counts = await Promise.all([1, 2, 3].map(() => pool.query<{ n: number }>('select count(*)::int as n from item')));
      expect(counts.map((r) => r.rows[0].n)).toEqual([1, 1, 1]);
      const bad = await pool.query('select * from missing_table').catch((error: { code?: string }) => error);
      expect((bad as { code?: string }).code).toBe('42P01');
    } finally {
      await pool.end();
    }
  });

  it('a clone of the migrated template is served the same way (migrate: true), DBCTL_TEST_WIRE=1 as the switch', async () => {
    const p = testdbProject({ name: 'pglite' });
    process.env.DBCTL_TEST_WIRE = '1';
    try {
      db = await createTestDatabase({ migrate: true, cwd: p.cwd });
    } finally {
      delete process.env.DBCTL_TEST_WIRE;
    }
    expect(db.url).toMatch(/^postgres:\/\//);
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      await pool.query(`insert into items values (1, 'one')`);
      expect((await pool.query('select label from items')).rows).toEqual([{ label: 'one' }]);
    } finally {
      await pool.end();
    }
  });

  it.skipIf(psqlMissing)('psql opens the URL (skipped where psql is not installed)', async () => {
    db = await createTestDatabase({ wire: true });
    // Spawned asynchronously: the server runs in this process, so a spawnSync would block it.
    const run = await promisify(execFile)('psql', [db.url, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', 'create table t (x int)', '-c', 'insert into t values (41), (1)', '-c', 'select sum(x) from t'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n').pop()).toBe('42');
  });

  it('drop() stops the server and frees the directory; the pglite:// form stays without wire', async () => {
    db = await createTestDatabase({ wire: true, keep: true, log: () => {} });
    const pool = new pg.Pool({ connectionString: db.url });
    await pool.query('create table kept (x int)');
    await pool.end();
    await db.drop();
    // Kept, and its directory free again: dbctl opens it through the embedded URL.
    const database = await openDatabase({ url: db.embeddedUrl });
    try {
      const { rows } = await database.query(`select count(*)::int as n from pg_tables where tablename = 'kept'`);
      expect(rows[0].n).toBe(1);
    } finally {
      await database.close();
    }
    db = undefined;
    const plain = await createTestDatabase();
    try {
      expect(plain.url).toMatch(/^pglite:\/\//);
      expect(plain.embeddedUrl).toBeUndefined();
    } finally {
      await plain.drop();
    }
  });
});
