import { InvalidArgumentError } from 'commander';

/** Commander argument parser for a positive integer option, naming the option on error. */
export function positiveInt(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${option} takes a positive whole number, got "${value}"`);
    return n;
  };
}
