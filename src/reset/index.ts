import { bookkeepingTables, DEFAULT_BOOKKEEPING, type BookkeepingNames } from '../catalog/bookkeeping.js';
import type { Database } from '../driver/database.js';
import { quoteIdent } from '../sql/quote.js';
import { assertDestructiveAllowed, type GuardOptions, type Protection } from '../guard/index.js';
import { listForeignKeys, listInheritance, listSequenceUses, listTables, type SequenceRef, type TableRef } from './catalog.js';
import { planReset, type ResetPlan } from './plan.js';

export type { SequenceRef, TableRef } from './catalog.js';
export { planReset, type ResetPlan } from './plan.js';

/**
 * What a reset needs, and nothing more; `resetConfig(config)` gives them as the resolved config has
 * them: `resetDatabase({ database, ...resetConfig(config) })`.
 */
export interface ResetOptions extends GuardOptions {
  /** The environment (resetConfig gives it): a reset asks src/guard first. None: nothing is protected. */
  protection?: Protection;
  database: Database;
  /** The schemas emptied. Default `['public']`. */
  schemas?: string[];
  /** Where the migration bookkeeping is, which is never emptied. Default Kysely's and dbctl's tables in `public`. */
  store?: Partial<BookkeepingNames>;
  /** Tables always left as they are (the config's `reset.keep`): a name that does not exist yet is ignored. */
  alwaysKeep?: string[];
  /** Tables to leave as they are this time (`table` or `schema.table`): each must exist. */
  keep?: string[];
  /** Plan only: report what would be emptied, change nothing. */
  dryRun?: boolean;
}

export { resetConfig } from '../config/props.js';

export interface ResetReport {
  schemas: string[];
  /** Emptied by name (identities restarted), with their partitions. */
  truncated: TableRef[];
  kept: TableRef[];
  /** Outside the managed schemas, emptied because they reference an emptied table. */
  cascaded: TableRef[];
  /** Sequences no column owns, restarted because only emptied tables' defaults use them. */
  sequences: SequenceRef[];
  dryRun: boolean;
  durationMs: number;
}

/**
 * Empties every table in the managed schemas (the migrations schema plus `reset.schemas`) except
 * the migration bookkeeping, in ONE `TRUNCATE … RESTART IDENTITY` that names every table it
 * empties: atomic, identities back to 1, and no ordering problem between tables that reference
 * each other.
 */
export async function resetDatabase(options: ResetOptions): Promise<ResetReport> {
  const started = Date.now();
  if (!options.dryRun && options.protection) await assertDestructiveAllowed({ config: options.protection, target: options.database.target, operation: 'reset', force: options.force, confirm: options.confirm });
  const schemas = options.schemas ?? ['public'];
  // One session for the catalog reads and the TRUNCATE: no second connection to open.
  const plan = await options.database.session(async (db) => {
    const plan = planReset({
      tables: await listTables(db, schemas),
      foreignKeys: await listForeignKeys(db),
      inheritance: await listInheritance(db),
      sequences: await listSequenceUses(db),
      bookkeeping: bookkeepingTables({ ...DEFAULT_BOOKKEEPING, ...options.store }),
      keep: options.keep ?? [],
      configKeep: options.alwaysKeep ?? [],
    });
    if (!options.dryRun && plan.truncate.length) await db.query(resetScript(plan));
    return plan;
  });
  return { schemas, truncated: plan.truncate, kept: plan.kept, cascaded: plan.cascaded, sequences: plan.sequences, dryRun: !!options.dryRun, durationMs: Date.now() - started };
}

/**
 * The TRUNCATE, then ALTER SEQUENCE … RESTART for the sequences it does not restart itself, sent
 * as one script: several statements in one simple query run as one implicit transaction, so a
 * failure anywhere leaves every table and sequence as it was. (ALTER SEQUENCE, unlike setval, is
 * transactional.) No CASCADE: every table is named, and should a foreign key have appeared since
 * the plan was read, Postgres refuses rather than emptying a table nobody was told about.
 */
function resetScript(plan: ResetPlan): string {
  const name = (schema: string, rel: string) => `${quoteIdent(schema)}.${quoteIdent(rel)}`;
  const tables = [...plan.truncate, ...plan.cascaded].map((t) => name(t.schema, t.table));
  return [`truncate table ${tables.join(', ')} restart identity`, ...plan.sequences.map((s) => `alter sequence ${name(s.schema, s.sequence)} restart`)].join('; ');
}
