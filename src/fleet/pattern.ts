import { ConfigError, UsageError } from '../errors.js';

/**
 * Fleet patterns (`databases`, `schemas`, `exclude`, `--all-databases`) are globs: `*` matches any
 * run of characters and every other character is itself, `_` and `%` included, so `tenant_*`
 * never takes `tenantsadmin`. The LIKE pattern that says the same, for pg_database/pg_namespace.
 */
export function likeOfGlob(glob: string): string {
  return glob.replace(/[\\%_]/g, '\\$&').replace(/\*/g, '%');
}

/**
 * Refuses a pattern that says `%`: fleet patterns were LIKE patterns, and reading `%` as a literal
 * character now would quietly select nothing (or, in `exclude`, leave nothing out).
 * `where` names the setting (`fleets.tenants.databases`, `--all-databases`).
 */
export function assertGlob(glob: string, where: string, kind: 'config' | 'usage'): void {
  if (!glob.includes('%')) return;
  const message = `${where}: "${glob}" uses %, which fleet patterns do not: they are globs (* matches any run of characters, _ is literal)`;
  const hint = `write ${JSON.stringify(glob.replace(/\\_/g, '_').replace(/%/g, '*'))}`;
  throw kind === 'config' ? new ConfigError(message, { hint }, 'fleet_target') : new UsageError(message, { hint }, 'fleet_selection');
}
