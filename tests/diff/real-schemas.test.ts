import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { assertPlannable, assertUnambiguous } from '../../src/diff/hazards.js';
import { planMigration } from '../../src/diff/plan.js';
import type { Step } from '../../src/diff/step.js';
import { describeSchemaDiff, diffSchemas, introspectSchema } from '../../src/schema/index.js';
import type { SchemaSnapshot } from '../../src/schema/model.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';
import { backends } from '../helpers/backends.js';
import { loadRealSchema, REAL_SCHEMAS, type Loaded } from '../helpers/real-schemas.js';

/**
 * Large public schemas (tests/helpers/real-schemas.ts), on each backend: from an empty database the
 * plan creates all of it, and after applying it drift against the schema is empty; its down takes
 * the database back to empty; and the schema against itself plans nothing. A schema that cannot be
 * fetched skips, with the reason in the test's name.
 */
const loaded = new Map<string, Loaded>();
for (const schema of REAL_SCHEMAS) loaded.set(schema.name, await loadRealSchema(schema));

async function apply(database: Database, steps: Step[], label: string): Promise<void> {
  for (const s of steps) {
    try {
      await database.query(s.sql);
    } catch (error) {
      throw new Error(`${label}: ${(error as Error).message}\n  in: ${s.sql}`);
    }
  }
}

async function expectSame(expected: SchemaSnapshot, database: Database, label: string): Promise<void> {
  const diff = diffSchemas(expected, await introspectSchema(database));
  if (!diff.equal) throw new Error(`${label}: drift after the plan:\n${describeSchemaDiff(diff).join('\n')}`);
}

describe.each(backends)('migrate diff on real schemas ($name)', (backend) => {
  const databases: TestDatabase[] = [];
  const open: Database[] = [];
  const database = async () => {
    const created = await createTestDatabase({ serverUrl: backend.serverUrl });
    databases.push(created);
    const db = await openDatabase({ url: created.url });
    open.push(db);
    return db;
  };
  let empty: Database;
  beforeAll(async () => {
    empty = await database();
  });
  afterAll(async () => {
    for (const db of open) await db.close();
    for (const d of databases) await d.drop();
  });

  for (const schema of REAL_SCHEMAS) {
    const source = loaded.get(schema.name)!;
    if ('skip' in source) {
      it.skip(`${schema.name}: skipped, ${source.skip}`, () => {});
      continue;
    }
    it(`${schema.name}: from empty the plan creates it all, verifies and goes back down; against itself it is empty`, async () => {
      const target = await database();
      await target.session((client) => client.script(source.sql));
      const desired = await introspectSchema(target);
      const start = await introspectSchema(empty);
      const up = planMigration(start, desired);
      assertPlannable(up.unplannable);
      assertUnambiguous(up.ambiguous);
      await apply(empty, up.steps, `${schema.name} (up)`);
      await expectSame(desired, empty, `${schema.name} (up)`);
      const down = planMigration(desired, start);
      assertPlannable(down.unplannable);
      await apply(empty, down.steps, `${schema.name} (down)`);
      await expectSame(start, empty, `${schema.name} (down)`);
      expect(planMigration(desired, desired).steps.map((s) => s.sql)).toEqual([]);
    }, 120_000);
  }
});
