import { ConfigError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `5s`, `500ms`, `2m`, `1h`, `7d` or a number of milliseconds. `what` names the option in errors. */
export function parseDuration(value: string | number, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(String(value));
  if (!match) {
    throw new ConfigError(`invalid duration for ${what}: "${value}"`, { hint: 'use e.g. 500ms, 5s, 2m, 1h, 7d, or 0 for none' });
  }
  return Math.round(Number(match[1]) * UNITS[(match[2] ?? 'ms').toLowerCase()]);
}
