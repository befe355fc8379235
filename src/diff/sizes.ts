import type { Database } from '../driver/database.js';
import { keyOf, tableSizes } from '../lint/large-tables.js';
import type { RelationName } from '../lint/locks.js';
import { touches } from '../lint/own-tables.js';
import { parseStatements } from '../sql/statements.js';
import type { Step } from './step.js';

/**
 * Each step that carries a hazard, sized from a live database's catalog: the table it works on (an
 * index's table, a dropped table itself), with `migrate lint`'s own sizing (tableSizes: the
 * planner's row estimate, a bounded count for a table never analyzed, the size on disk). The table
 * comes from Postgres's parse of the step, as lint reads it. A table the database does not have
 * (created by the plan, or renamed by it) is left unsized: it is new when the step runs.
 */
export async function sizeSteps(database: Database, steps: Step[], countLimit: number): Promise<Step[]> {
  const relations = await Promise.all(steps.map((s) => (s.hazards.length ? relationOf(s.sql) : undefined)));
  const sizes = await tableSizes(database, relations.filter((r): r is RelationName => !!r), countLimit);
  return steps.map((s, k) => {
    const size = relations[k] && sizes.get(keyOf(relations[k]));
    return size ? { ...s, size } : s;
  });
}

/** The first table (or index, by name) the step's statements work on, create on, or drop. */
async function relationOf(sql: string): Promise<RelationName | undefined> {
  let statements;
  try {
    statements = await parseStatements(sql);
  } catch {
    return undefined;
  }
  for (const statement of statements) {
    const t = touches(statement);
    const table = t.on[0] ?? t.drops[0];
    if (table?.name) return { schema: table.schema, name: table.name };
    if (t.onIndexes[0]?.name) return { schema: t.onIndexes[0].schema, name: t.onIndexes[0].name, index: true };
  }
  return undefined;
}
