import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type SqlClient } from '../../src/driver/database.js';
import { isDbctlError } from '../../src/errors.js';
import { assertPlannable, assertUnambiguous } from '../../src/diff/hazards.js';
import { planMigration } from '../../src/diff/plan.js';
import { invert, renamesInSql, type Hints } from '../../src/diff/renames.js';
import type { Step } from '../../src/diff/step.js';
import { describeSchemaDiff, diffSchemas } from '../../src/schema/index.js';
import type { SchemaSnapshot } from '../../src/schema/model.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';
import { backends } from '../helpers/backends.js';
import { loadCorpus, snapshotIn, type Case } from './corpus.js';

/**
 * The correctness corpus (tests/diff/corpus/*.sql): for each case a → b on each backend, plan a → b,
 * apply it to a, check drift against b is empty, apply the down, check drift against a is empty,
 * and check that b → b plans nothing. Two databases per backend serve every case: each case runs
 * in a transaction that is rolled back (CONCURRENTLY, which a transaction refuses, is run plainly
 * here; tests/diff/online.test.ts runs it for real).
 */
const cases = loadCorpus();

/** Runs `fn` in a transaction on one session of `database`, rolled back whatever happens. */
async function rolledBack<T>(database: Database, fn: (client: SqlClient) => Promise<T>): Promise<T> {
  return database.session(async (client) => {
    await client.query('begin');
    try {
      return await fn(client);
    } finally {
      await client.query('rollback');
    }
  });
}

async function apply(client: SqlClient, steps: Step[], label: string): Promise<void> {
  for (const s of steps) {
    try {
      await client.query(s.sql.replace(/ CONCURRENTLY /, ' '));
    } catch (error) {
      throw new Error(`${label}: ${(error as Error).message}\n  in: ${s.sql}\n  plan:\n${steps.map((x) => x.sql).join('\n')}`);
    }
  }
}

function expectSame(expected: SchemaSnapshot, actual: SchemaSnapshot, label: string, steps: Step[]): void {
  const diff = diffSchemas(expected, actual);
  if (!diff.equal) throw new Error(`${label}: drift after the plan:\n${describeSchemaDiff(diff).join('\n')}\n  plan:\n${steps.map((x) => x.sql).join('\n')}`);
}

async function runCase(a: Database, b: Database, c: Case): Promise<void> {
  const hints: Hints = c.hints ? JSON.parse(c.hints) : { renames: [], drops: [] };
  const renames = [...renamesInSql(c.b), ...(hints.renames ?? [])];
  const desired = await rolledBack(b, async (client) => {
    await client.query(c.b);
    return snapshotIn(client);
  });
  await rolledBack(a, async (client) => {
    await client.query(c.a);
    const start = await snapshotIn(client);
    const plan = planMigration(start, desired, { renames, drops: hints.drops ?? [] });
    if (c.error) {
      const error = (() => {
        try {
          assertPlannable(plan.unplannable);
          assertUnambiguous(plan.ambiguous);
        } catch (e) {
          return e;
        }
      })();
      expect(isDbctlError(error) && error.code, `${c.name}: expected ${c.error}`).toBe(c.error);
      return;
    }
    assertPlannable(plan.unplannable);
    assertUnambiguous(plan.ambiguous);
    const up = plan.steps.map((s) => s.sql).join('\n');
    for (const e of c.expect) expect(up, `${c.name}: the plan should hold ${e}`).toContain(e);
    await apply(client, plan.steps, `${c.name} (up)`);
    expectSame(desired, await snapshotIn(client), `${c.name} (up)`, plan.steps);
    const down = planMigration(desired, start, { renames: invert(renames) });
    assertPlannable(down.unplannable);
    await apply(client, down.steps, `${c.name} (down)`);
    expectSame(start, await snapshotIn(client), `${c.name} (down)`, down.steps);
  });
  const again = planMigration(desired, desired, { renames });
  expect(again.steps.map((s) => s.sql), `${c.name}: b → b`).toEqual([]);
}

/**
 * One test per case, run on every backend at once: PGlite works on this thread while the server
 * works in its own process, so the two halves of the corpus overlap instead of adding up.
 */
describe(`migrate diff corpus (${backends.map((b) => b.name).join(', ')})`, () => {
  const databases: TestDatabase[] = [];
  const pairs: { name: string; a: Database; b: Database }[] = [];
  beforeAll(async () => {
    for (const backend of backends) {
      const made = [await createTestDatabase({ serverUrl: backend.serverUrl }), await createTestDatabase({ serverUrl: backend.serverUrl })];
      databases.push(...made);
      pairs.push({ name: backend.name, a: await openDatabase({ url: made[0].url }), b: await openDatabase({ url: made[1].url }) });
    }
  }, 120_000);
  afterAll(async () => {
    for (const p of pairs) await Promise.all([p.a.close(), p.b.close()]);
    for (const d of databases) await d.drop();
  });

  it.each(cases.map((c) => [`${c.family}: ${c.name}`, c] as const))('%s', async (_, c) => {
    await Promise.all(pairs.map(async (p) => {
      try {
        await runCase(p.a, p.b, c);
      } catch (error) {
        throw Object.assign(error as Error, { message: `[${p.name}] ${(error as Error).message}` });
      }
    }));
  });
});
