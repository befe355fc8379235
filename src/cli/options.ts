import { InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors.js';

/** Commander argument parser for a positive integer option, naming the option on error. */
export function positiveInt(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${option} takes a positive whole number, got "${value}"`);
    return n;
  };
}

/** A whole number ≥ 0 (a faker seed). */
export function wholeNumber(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${option} takes a whole number ≥ 0, got "${value}"`);
    return n;
  };
}

export const lockTimeoutOption = (what = "another runner's lock") => new Option('--lock-timeout <duration>', `wait this long for ${what} (default 60s)`);
export const ddlTimeoutOption = () => new Option('--ddl-lock-timeout <duration>', 'lock_timeout for each statement; 0 = off (default 5s)');

/** `migrate down` and `fleet migrate down` take one way of choosing what to revert. */
export function assertOneRevertChoice(opts: Record<string, unknown>): void {
  const chosen = ['step', 'to', 'all', 'batch'].filter((k) => opts[k] !== undefined);
  if (chosen.length > 1) throw new UsageError(`choose one of --step, --to, --all, --batch (got ${chosen.map((c) => '--' + c).join(', ')})`);
}
