import { locate } from '../sql/sql-error.js';
import { transactionalViolations } from '../migrate/sql-checks.js';
import type { LintFinding } from './index.js';
import type { LintUnit } from './units.js';

type Found = Omit<LintFinding, 'level' | 'migration' | 'file' | 'direction'>;

/**
 * dbctl's rule `transaction-block`: what `migrate up` refuses before it runs a transactional SQL
 * section (CREATE INDEX CONCURRENTLY, VACUUM, COMMIT, …), found by the very check `up` runs
 * (migrate/sql-checks.ts), so lint and up cannot disagree. squawk misses some of these (a lone
 * CREATE INDEX CONCURRENTLY, VACUUM, DROP INDEX CONCURRENTLY), and where it does not, its finding
 * on the same statement is the same news and is left out (see `covers`).
 */
export function transactionBlockFindings(unit: LintUnit): Found[] {
  if (unit.kind !== 'sql' || !unit.transaction || !unit.parsed) return [];
  const marker = `"-- migrate:${unit.direction} transaction:false"`;
  return transactionalViolations(unit.parsed).map((v) => ({
    rule: TRANSACTION_BLOCK,
    source: 'dbctl' as const,
    ...locate(unit.text, 1, v.statement.offset),
    message: `${v.message} (migrate up refuses this section)`,
    help: v.fix === 'savepoint' ? 'set it with SAVEPOINT in the same section first' : `remove it, or mark the section ${marker}: its statements then run one by one, outside a transaction`,
  }));
}

export const TRANSACTION_BLOCK = 'transaction-block';

/** squawk's rules that say what `transaction-block` says, when they land on a statement it flagged. */
export const COVERED_SQUAWK_RULES = new Set(['ban-concurrent-index-creation-in-transaction', 'transaction-nesting']);
