import { CheckFailedError } from '../errors.js';
import type { LintReport } from './index.js';

/** A lint report with an error, as the exit-4 error `migrate lint` and `migrate up --lint` throw. */
export function lintFailedError(report: LintReport, outcome?: string): CheckFailedError {
  const { errors, warnings } = report.summary;
  return new CheckFailedError(`lint: ${errors} error(s), ${warnings} warning(s)${outcome ? `; ${outcome}` : ''}`, {
    hint: 'fix the migration, or disable the rule with a reason: `-- dbctl-lint-ignore RULE -- why` above the statement, or lint.rules in dbctl.config.ts',
  }, 'lint_failed');
}
