import { errorFor, isDbctlError, OperationError } from '../errors.js';

/** What a restore that stops now leaves in a target it did not create (`restore --into`, the configured database). */
export type RestoreLeft =
  /** Nothing committed yet, or the restore is one transaction that rolls back. */
  | 'untouched'
  /** `--clean` emptied it (its own committed step), and the restore rolls back. */
  | 'emptied'
  /** pg_restore commits table by table (`--jobs`): part of the backup is in. */
  | 'partial';

/**
 * The error a restore that stopped throws, naming what it left in `target`: an interruption's own
 * message ("nothing was left half-done") is not true once --clean has emptied the target or a
 * `--jobs` restore has committed part of it. Other errors get the same account as their hint.
 */
export function restoreStopped(error: unknown, left: RestoreLeft, target: string, signal?: AbortSignal): unknown {
  if (left === 'untouched') return error;
  const state = left === 'emptied'
    ? `${target} was emptied by --clean and the restore rolled back`
    : `${target} may hold part of the backup (with --jobs, pg_restore commits table by table)`;
  const advice = left === 'emptied' ? 'run the restore again to fill it' : 'run the restore again with --clean, which replaces what is there';
  if (signal?.aborted && isDbctlError(signal.reason) && signal.reason.code === 'interrupted') {
    const reason = signal.reason;
    const name = (reason.data?.signal as string | undefined) ?? 'an abort';
    return new OperationError(`restore interrupted by ${name}: ${state}`, { hint: advice, data: { ...reason.data, left }, cause: error }, 'interrupted');
  }
  if (!isDbctlError(error) || error.code === 'interrupted') return error;
  return errorFor(error.code, error.message, {
    hint: [error.hint, `${state}: ${advice}`].filter(Boolean).join('; '),
    data: { ...error.data, left },
    failureReport: error.failureReport,
    cause: error.cause,
  });
}
