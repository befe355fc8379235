import { sql } from 'kysely';
import type { Database } from '../driver/open.js';
import { statementLocation, type FailureInfo, type Unlocated } from './runner.js';
import type { Statement } from './statements.js';

class Stop extends Error {}

/**
 * Which statement of a transactional section failed, when Postgres gave no position (a constraint
 * violation, a division by zero, a RAISE in a DO block). The section ran as one script (one round
 * trip: that stays the fast path), and the error does not say which of its statements raised it.
 * So, after the migration's rollback, the section runs again in a new transaction, one statement at
 * a time, until one fails with the same SQLSTATE and message; that transaction is rolled back too.
 * Each statement sees what it saw in the script (same order, same transaction, from the same
 * committed state), so a deterministic failure recurs at the same statement; only what Postgres
 * never rolls back (sequence values) is repeated. A failure that does not recur the same way
 * (it depended on timing or on other sessions) keeps its report without a line, as before.
 * With --single-transaction this is not tried: the migrations before it would have to run again too.
 */
export async function locateFailure(database: Database, begin: string, failure: FailureInfo, unlocated: Unlocated): Promise<FailureInfo> {
  let failed: Statement | undefined;
  try {
    await database.transaction({ begin, reset: true }, async (trx) => {
      for (const statement of unlocated.statements) {
        try {
          await sql.raw(statement.sql).execute(trx);
        } catch (error) {
          const e = error as { code?: string; message?: string };
          if (e.code === failure.sqlstate && e.message === failure.message) failed = statement;
          throw new Stop();
        }
      }
      throw new Stop();
    });
  } catch {
    // Always ends here (Stop, or the re-run could not even start): the original failure stands.
  }
  return failed ? { ...failure, ...statementLocation(unlocated.text, unlocated.section.offset + failed.offset) } : failure;
}
