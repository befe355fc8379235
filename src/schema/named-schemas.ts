import { UsageError } from '../errors.js';
import type { SchemaSnapshot } from './model.js';

/**
 * `--schema` names that are in none of the snapshots are an error naming them: a filter that
 * matches nothing compares, dumps or draws nothing, and "no drift" or an empty file would read as
 * a check that passed. `public` is in every database (snapshots leave it out of `schemas`).
 */
export function assertSchemasExist(requested: string[] | undefined, snapshots: SchemaSnapshot[], where: string): void {
  if (!requested?.length) return;
  const known = new Set(['public', ...snapshots.flatMap((s) => s.schemas.map((x) => x.name))]);
  const missing = requested.filter((name) => !known.has(name));
  if (!missing.length) return;
  throw new UsageError(`--schema: no schema named ${missing.map((m) => `"${m}"`).join(', ')} in ${where}`, {
    hint: known.size > 1 ? `schemas there: ${[...known].sort().join(', ')}` : 'the only schema there is public',
    data: { missing },
  }, 'schema_missing');
}

/** `--tables` patterns that match no relation are an error naming them, for the same reason. */
export function assertPatternsMatch(patterns: string[] | undefined, matches: (pattern: string) => boolean, what: string): void {
  const unmatched = (patterns ?? []).filter((p) => !matches(p));
  if (unmatched.length) {
    throw new UsageError(`${what}: ${unmatched.map((p) => `"${p}"`).join(', ')} matches no table or view`, { data: { unmatched } }, 'usage');
  }
}
