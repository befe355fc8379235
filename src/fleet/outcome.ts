import { CheckFailedError, OperationError, UsageError, type DbctlError } from '../errors.js';
import type { FleetReport } from './run.js';
import type { Fleet } from './targets.js';

/** A fleet with no database is a mistake in its selection, refused before anything runs. */
export function assertFleetNotEmpty(fleet: Fleet, selection: { allDatabases?: string }): void {
  if (fleet.members.length) return;
  throw new UsageError(`fleet ${fleet.name} has no databases`, { hint: selection.allDatabases ? 'check the pattern (a glob: * matches any run of characters, everything else is literal)' : 'check its definition in the config' }, 'fleet_empty');
}

/**
 * What a finished fleet run means for its caller: undefined when every database succeeded (and,
 * with `check`, none is behind); otherwise the error to throw. Exit 4 when every failure was a
 * check's, else 1.
 */
export function fleetOutcome(report: FleetReport, options: { check?: boolean } = {}): DbctlError | undefined {
  const failed = report.results.filter((r) => r.status === 'failed');
  if (failed.length) {
    const summary = `fleet ${report.operation}: ${failed.length} of ${report.summary.total} database(s) failed${report.stopped ? `; ${report.summary.skipped} not started (${report.stopped === 'canary' ? 'the canary failed' : '--fail-fast'})` : ''}`;
    const hint = report.stopped === 'canary' ? 'fix the failure and run again: databases that succeeded keep their state' : 'run again after fixing: each database continues where it stands';
    if (failed.every((r) => r.error?.exitCode === 4)) return new CheckFailedError(summary, { hint }, 'fleet_check_failed');
    return new OperationError(summary, { hint }, 'fleet_failed');
  }
  if (options.check) {
    const behind = report.results.filter((r) => r.detail && ((r.detail.pending as number) || (r.detail.modified as number) || (r.detail.missing as number)));
    if (behind.length) return new CheckFailedError(`${behind.length} of ${report.summary.total} database(s) have migrations pending, modified or missing`, {}, 'fleet_status_check');
  }
  return undefined;
}
