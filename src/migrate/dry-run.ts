import type { Kysely } from 'kysely';
import type { Database } from '../driver/database.js';
import type { Prepared } from './runner.js';

/** What one migration did in a dry run. */
export interface DryRunStep {
  /** The SQL it would run: a SQL section's text, or what a TS/JS migration sent (none when not run). */
  statements: string[];
  /** The parameters of each captured statement (none for a SQL section's text). */
  parameters: Array<readonly unknown[]>;
  /** It ran (and was rolled back); a migration that must run outside a transaction cannot be. */
  executed: boolean;
}

/** Sentinel thrown to roll back a transaction whose work was only looked at. */
class Rollback extends Error {}

/**
 * The SQL Kysely sends on `database` while `fn` runs, as `database.onQuery` sees it; Kysely's own
 * begin/commit/rollback are dbctl's, not the migration's, and are left out.
 */
export async function capturing(database: Database, fn: () => Promise<void>, parameters: Array<readonly unknown[]> = []): Promise<string[]> {
  const sink: string[] = [];
  const stop = database.onQuery((event) => {
    if (/^\s*(begin|commit|rollback)\s*$/i.test(event.query.sql)) return;
    sink.push(event.query.sql);
    parameters.push(event.query.parameters);
  });
  try {
    await fn();
  } finally {
    stop();
  }
  return sink;
}

/** Runs `fn` in a transaction that is always rolled back; what `fn` throws passes through. */
export async function rolledBack(db: Kysely<any>, fn: (trx: Kysely<any>) => Promise<void>): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      await fn(trx);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
}

/**
 * The dry run: every prepared migration in order in one transaction that is rolled back, each
 * seeing what the ones before it did, and the SQL each sends captured. `migrate up --dry-run` and
 * `migrate lint` (a TS migration's down) both look at migrations this way.
 */
export async function dryRunPrepared(database: Database, prepared: Prepared[], onStep: (k: number, step: DryRunStep) => void): Promise<void> {
  const db = await database.kysely();
  await rolledBack(db, async (trx) => {
    for (let k = 0; k < prepared.length; k++) {
      const p = prepared[k];
      const executed = p.transaction;
      const parameters: Array<readonly unknown[]> = [];
      const sent = executed ? await capturing(database, () => p.run(trx), parameters) : [];
      const sql = p.file.kind === 'sql';
      onStep(k, { statements: sql ? [p.sqlText ?? ''] : sent, parameters: sql ? [] : parameters, executed });
    }
  });
}
