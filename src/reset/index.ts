import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/open.js';
import { quoteIdent } from '../driver/quote.js';
import { listForeignKeys, listTables, type TableRef } from './catalog.js';
import { planReset } from './plan.js';

export type { TableRef } from './catalog.js';
export { planReset, type ResetPlan } from './plan.js';

export interface ResetOptions {
  database: Database;
  config: ResolvedConfig;
  /** Tables to leave as they are (`table` or `schema.table`), besides `reset.keep` in the config. */
  keep?: string[];
  /** Plan only: report what would be emptied, change nothing. */
  dryRun?: boolean;
}

export interface ResetReport {
  schemas: string[];
  /** Emptied by name (identities restarted). */
  truncated: TableRef[];
  kept: TableRef[];
  /** Outside the managed schemas, emptied through foreign keys by CASCADE. */
  cascaded: TableRef[];
  dryRun: boolean;
  durationMs: number;
}

/**
 * Empties every table in the managed schemas (the migrations schema plus `reset.schemas`) except
 * the migration bookkeeping, in ONE `TRUNCATE … RESTART IDENTITY CASCADE`: atomic, identities back
 * to 1, and no ordering problem between tables that reference each other.
 */
export async function resetDatabase(options: ResetOptions): Promise<ResetReport> {
  const { config } = options;
  const started = Date.now();
  const schemas = config.reset.schemas;
  const { schema, table, lockTable, historyTable } = config.migrations;
  // One session for the catalog reads and the TRUNCATE: no second connection to open.
  const plan = await options.database.session(async (db) => {
    const plan = planReset({
      tables: await listTables(db, schemas),
      foreignKeys: await listForeignKeys(db),
      bookkeeping: [table, lockTable, historyTable].map((t): TableRef => ({ schema, table: t })),
      keep: options.keep ?? [],
      configKeep: config.reset.keep,
    });
    if (!options.dryRun && plan.truncate.length) {
      await db.query(`truncate table ${plan.truncate.map((t) => `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`).join(', ')} restart identity cascade`);
    }
    return plan;
  });
  return { schemas, truncated: plan.truncate, kept: plan.kept, cascaded: plan.cascaded, dryRun: !!options.dryRun, durationMs: Date.now() - started };
}
