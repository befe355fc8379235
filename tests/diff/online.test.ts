import { describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { planMigration } from '../../src/diff/plan.js';
import { diffSchemas, introspectSchema } from '../../src/schema/index.js';
import { backends, freshDatabase } from '../helpers/backends.js';

/**
 * The online rewrites run for real, one statement at a time outside a transaction as a
 * transaction:false section runs (the corpus runs them inside one, CONCURRENTLY stripped), on a
 * table with rows; and the data checks refuse, with the count, data a step cannot take.
 */
const START = `create table p (id int primary key);
  create table t (id int primary key, code text, p_id int, n int);
  insert into p select g from generate_series(1, 10) g;
  insert into t select g, 'c' || g, g, g from generate_series(1, 10) g;`;
const DESIRED = `create table p (id int primary key);
  create table t (id int primary key, code text unique, p_id int references p (id), n int not null check (n > 0));
  create index t_n on t (n) where n > 5;`;

async function snapshotOf(sql: string, backend: (typeof backends)[number]) {
  const db = await openDatabase({ url: (await freshDatabase(backend)).url });
  try {
    await db.query(sql);
    return await introspectSchema(db);
  } finally {
    await db.close();
  }
}

async function run(db: Database, sql: string[]): Promise<void> {
  for (const statement of sql) await db.query(statement);
}

describe.each(backends)('online plans, for real ($name)', (backend) => {
  it('builds indexes concurrently and validates constraints on a table with rows', async () => {
    const desired = await snapshotOf(DESIRED, backend);
    const db = await openDatabase({ url: (await freshDatabase(backend)).url });
    try {
      await db.query(START);
      const plan = planMigration(await introspectSchema(db), desired);
      const sql = plan.steps.map((s) => s.sql);
      expect(sql.join('\n')).toMatch(/CREATE INDEX CONCURRENTLY t_n/);
      expect(sql.join('\n')).toMatch(/CREATE UNIQUE INDEX CONCURRENTLY t_code_key/);
      expect(plan.steps.filter((s) => !s.transaction).length).toBeGreaterThan(2);
      await run(db, sql);
      expect(diffSchemas(desired, await introspectSchema(db)).equal).toBe(true);
      expect((await db.query('select count(*)::int as n from t')).rows[0].n).toBe(10);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('refuses duplicates, NULLs and orphans with their count', async () => {
    const desired = await snapshotOf(DESIRED, backend);
    for (const [bad, message] of [
      [`update t set code = 'same' where id <= 3`, /dbctl data check: 1 value\(s\) of \(code\) in public\.t held by more than one row/],
      [`update t set n = null where id <= 2`, /dbctl data check: 2 rows in public\.t where n is NULL/],
      [`update t set p_id = 99 where id = 1`, /dbctl data check: 1 rows in public\.t whose p_id has no match/],
    ] as const) {
      const db = await openDatabase({ url: (await freshDatabase(backend)).url });
      try {
        await db.query(`${START} ${bad}`);
        const plan = planMigration(await introspectSchema(db), desired);
        await expect(run(db, plan.steps.map((s) => s.sql))).rejects.toThrow(message);
      } finally {
        await db.close();
      }
    }
  }, 120_000);
});
